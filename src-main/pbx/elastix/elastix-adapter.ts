import type { IncomingHttpHeaders } from 'node:http';
import type { Writable } from 'node:stream';
import type {
  ApiIdentity,
  Capabilities,
  CdrRecord,
  ExtensionChange,
  FollowMe,
  ItemResult,
  PbxExtension,
  PeerStatus,
  SystemHealth,
} from '../../../src-shared/domain/pbx.js';
import { AppError, toAppError } from '../../../src-shared/errors.js';
import { ZoneClock } from '../../../src-shared/time-zones.js';
import type { HttpClient } from '../../net/http-client.js';
import { BaseAdapter, type CdrFetch } from '../adapter.js';
import { count, isRecord, recordList, text } from '../vendor-json.js';
import { ElastixApi } from './elastix-api.js';
import { ELASTIX_CAPABILITIES } from './elastix-capabilities.js';
import { callerIdOf, cdrOf, extensionOf, followMeForm, followMeOf, isExtensionPeer, newExtensionKeywords, peerOf, SIP_KEYWORDS } from './elastix-mapping.js';

/*
 * Elastix through elastix-api (vendors/elastix.md). Its writes answer OK whatever happened, so
 * every write here is checked by reading back; updates are read-modify-write since an omitted
 * keyword is blanked; follow-me is changed by delete + add, never by its WHERE-less update; CDRs
 * come in date windows that are split whenever one fills the row limit, since there is no offset.
 */

export interface ElastixAdapterOptions {
  http: HttpClient;
  key: string;
  /** The site's zone: Elastix writes CDR dates as local wall-clock text. */
  timeZone: string;
  /** Rows per `cdrreport` request; a window that fills it is split. */
  cdrLimit?: number;
}

const DAY_MS = 86_400_000;

/** Whether what the PBX holds now has what was sent (undefined: not sent, not checked). */
function stored(extension: PbxExtension, sent: { name?: string; secret?: string }): boolean {
  return (sent.name === undefined || extension.name === sent.name.trim()) && (sent.secret === undefined || extension.secret === sent.secret);
}

/** `YYYY-MM-DD HH:MM:SS` of a wall-clock instant given as ms (the local time read as if it were UTC). */
function wallText(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** getwavfile's file answer (`application/octet-stream;`), as opposed to its 200 text and 404 JSON errors. */
function isFileAnswer(status: number, headers: IncomingHttpHeaders): boolean {
  return status === 200 && String(headers['content-type'] ?? '').startsWith('application/octet-stream');
}

export class ElastixAdapter extends BaseAdapter {
  readonly vendor = 'elastix' as const;
  private readonly api: ElastixApi;
  private readonly clock: ZoneClock;
  private readonly cdrLimit: number;

  constructor(options: ElastixAdapterOptions) {
    super();
    this.api = new ElastixApi(options.http, options.key);
    this.clock = new ZoneClock(options.timeZone);
    this.cdrLimit = options.cdrLimit ?? 1000;
  }

  capabilities(): Capabilities {
    return ELASTIX_CAPABILITIES;
  }

  /** elastix-api has no version or login; `sippeers` proves the key with one cheap read. */
  async connect(signal?: AbortSignal): Promise<ApiIdentity> {
    recordList(await this.api.json('sippeers', { read: true, signal }), 'sippeers');
    return { generation: null, version: null };
  }

  private async peers_(): Promise<Record<string, unknown>> {
    const body = await this.api.json('sipextensions', { read: true });
    if (!isRecord(body)) throw new AppError('PBX_ERROR', 'The Elastix API answered sipextensions with something that is not a list of peers');
    return body;
  }

  override async listExtensions(): Promise<PbxExtension[]> {
    const peers = await this.peers_();
    const out: PbxExtension[] = [];
    for (const [name, peer] of Object.entries(peers)) if (isExtensionPeer(name, peer)) out.push(extensionOf(name, peer));
    return out.sort((a, b) => a.number.length - b.number.length || a.number.localeCompare(b.number));
  }

  override async getExtension(number: string): Promise<PbxExtension | null> {
    const peer = (await this.peers_())[number];
    return isExtensionPeer(number, peer) ? extensionOf(number, peer) : null;
  }

  override async createExtension(number: string, change: ExtensionChange & { name: string }): Promise<PbxExtension> {
    // addextension skips an existing account and still answers INSERT OK (§6).
    if (await this.getExtension(number)) throw new AppError('CONFLICT', `Extension ${number} already exists`, { extension: number });
    const keywords = { ...newExtensionKeywords(number, change.name, change.secret ?? ''), ...change.fields };
    if (change.callerId) keywords.callerid = change.callerId;
    await this.api.write('addextension', { ...keywords, account: number, name: change.name });
    const created = await this.getExtension(number);
    if (!created || !stored(created, { name: change.name, secret: change.secret })) {
      throw new AppError('PBX_ERROR', `The PBX said it created extension ${number}, but it is not there as sent`, { extension: number });
    }
    return created;
  }

  override async updateExtension(number: string, change: ExtensionChange): Promise<PbxExtension> {
    const current = await this.getExtension(number);
    if (!current) throw new AppError('NOT_FOUND', `Extension ${number} does not exist`, { extension: number });
    // Every keyword goes back, changed or not: an omitted one would be blanked (§6).
    const keywords: Record<string, string> = { ...current.fields, ...change.fields };
    const name = change.name ?? current.name;
    if (change.secret !== undefined) keywords.secret = change.secret;
    if (change.callerId !== undefined) keywords.callerid = change.callerId ?? callerIdOf(name, number);
    else if (change.name !== undefined) keywords.callerid = callerIdOf(name, number);
    const form: Record<string, string> = { account: number, name };
    for (const key of SIP_KEYWORDS) form[key] = keywords[key] ?? '';
    await this.api.write('updateextension', form);
    const updated = await this.getExtension(number);
    // The API answers UPDATE OK even when its SQL failed (§3): only what is read back counts.
    if (!updated || !stored(updated, { name: change.name, secret: change.secret })) {
      throw new AppError('PBX_ERROR', `The PBX did not store the change to extension ${number}`, { extension: number });
    }
    return updated;
  }

  override async deleteExtensions(numbers: readonly string[]): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const number of numbers) {
      try {
        if (!(await this.getExtension(number))) throw new AppError('NOT_FOUND', `Extension ${number} does not exist`, { extension: number });
        await this.api.write('deleteextension', { account: number });
        if (await this.getExtension(number)) throw new AppError('PBX_ERROR', `The PBX said it deleted extension ${number}, but it is still there`, { extension: number });
        results.push({ id: number, ok: true });
      } catch (err) {
        const error = toAppError(err);
        results.push({ id: number, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    return results;
  }

  override async getFollowMe(number: string): Promise<FollowMe | null> {
    const rows = recordList(await this.api.json('getfollowmeextension', { form: { grpnum: number }, read: true }), 'getfollowmeextension');
    const row = rows.find((r) => text(r, 'grpnum') === number);
    return row ? followMeOf(row) : null;
  }

  override async setFollowMe(number: string, followMe: FollowMe | null): Promise<void> {
    const form = followMe ? followMeForm(number, followMe) : null;
    const before = await this.getFollowMe(number);
    // Never updatefollowmeextension: it has no WHERE and rewrites every row (§7).
    await this.api.write('deletefollowmeextension', { grpnum: number });
    try {
      if (form) await this.api.write('addfollowmeextension', form);
      const now = await this.getFollowMe(number);
      if (form ? now?.numbers.join('-') !== form.grplist : now !== null) {
        throw new AppError('PBX_ERROR', `The PBX did not store the follow-me of ${number} as sent`, { extension: number });
      }
    } catch (err) {
      // The old follow-me is already deleted: put it back rather than leave the extension without one.
      if (before && form) await this.api.write('addfollowmeextension', followMeForm(number, before)).catch(() => undefined);
      throw err;
    }
  }

  override async fetchCdrs(fetch: CdrFetch): Promise<number> {
    let delivered = 0;
    let span = DAY_MS;
    let from = Math.floor(fetch.window.from / 1000) * 1000;
    const end = Math.floor(fetch.window.to / 1000) * 1000;
    while (from <= end) {
      if (fetch.signal?.aborted) throw new AppError('CANCELLED', 'CDR sync cancelled');
      const to = Math.min(end, from + span - 1000);
      const rows = await this.cdrWindow(from, to, fetch.signal);
      if (rows === null) {
        // Filled the limit: there may be more rows than we got. Halve this window and ask again.
        span = Math.max(1000, Math.floor((to - from + 1000) / 2 / 1000) * 1000);
        continue;
      }
      rows.sort((a, b) => a.startedAt - b.startedAt);
      await fetch.onBatch(rows, to + 999);
      delivered += rows.length;
      from = to + 1000;
      // Sparse windows grow again, so a quiet year costs few requests.
      if (rows.length < this.cdrLimit / 4) span = Math.min(span * 2, 32 * DAY_MS);
    }
    return delivered;
  }

  /**
   * The rows that started in [from, to + 999] (UTC ms), or null when the answer hit the limit.
   * The API filters by local wall-clock text, which a DST change makes ambiguous (the autumn hour
   * happens twice) or inverted: the local range is widened by the change and the rows are then
   * kept by their UTC start, so each row belongs to exactly one window.
   */
  private async cdrWindow(from: number, to: number, signal?: AbortSignal): Promise<CdrRecord[] | null> {
    const last = to + 999;
    const before = this.clock.offsetAt(from);
    const after = this.clock.offsetAt(last);
    const wallFrom = from + Math.min(before, after);
    const wallTo = last + Math.max(before, after);
    // A single second with more rows than the limit: raise the limit rather than split.
    const limit = to === from ? this.cdrLimit * 100 : this.cdrLimit;
    const body = await this.api.json('cdrreport', {
      form: { start_date: wallText(wallFrom), end_date: wallText(wallTo), status: 'ALL', limit: String(limit) },
      read: true,
      timeoutMs: 60_000,
      signal,
    });
    const rows = recordList(body, 'cdrreport');
    if (rows.length >= limit && to > from) return null;
    const out: CdrRecord[] = [];
    for (const row of rows) {
      const record = cdrOf(row, this.clock);
      if (record && record.startedAt >= from && record.startedAt <= last) out.push(record);
    }
    return out;
  }

  override async downloadRecording(record: CdrRecord, sink: Writable, signal?: AbortSignal): Promise<{ bytes: number }> {
    const file = record.recordingFile ?? '';
    // A name from the PBX: one plain file name, nothing that could walk the spool (§4 getwavfile).
    if (!/^[\w.+-]{1,200}$/.test(file) || file.includes('..')) {
      throw new AppError('VALIDATION', 'The recording name from the PBX is not a plain file name', { recordingFile: file.slice(0, 200) });
    }
    const day = this.clock.toLocal(record.startedAt).slice(0, 10).replace(/-/g, '/');
    // FreePBX ≥ 2.11 files by day; older Elastix keeps the spool flat (§5).
    for (const name of [`/${day}/${file}`, `/${file}`]) {
      // Only the file itself is streamed: the API's auth errors are 200 text (§2), never audio.
      const response = await this.api.call('getwavfile', { query: { name }, read: true, sink, streamIf: isFileAnswer, signal, timeoutMs: 120_000 });
      if (response.streamed) return { bytes: response.bytes };
      if (response.status !== 404) throw new AppError('PBX_ERROR', `The Elastix API answered getwavfile with HTTP ${response.status} instead of the file`, { status: response.status });
    }
    throw new AppError('NOT_FOUND', `The PBX has no recording ${file}`, { recordingFile: file });
  }

  override async peers(): Promise<PeerStatus[]> {
    return recordList(await this.api.json('sippeers', { read: true }), 'sippeers').map(peerOf);
  }

  override async health(): Promise<SystemHealth> {
    const resources = await this.api.json('systemresources', { read: true });
    const drives = await this.api.json('getharddrivers', { read: true }).catch(() => null);
    const uptime = isRecord(resources) ? /up\s+(.*)$/.exec(text(resources, 'datetime'))?.[1]?.replace(/\s+/g, ' ').trim() ?? null : null;
    const load = isRecord(resources) ? Number.parseFloat(text(resources, 'usage')) : Number.NaN;
    const disk = isRecord(drives) && isRecord(drives.harddisk) ? drives.harddisk : null;
    return {
      reachable: true,
      uptime,
      load: Number.isFinite(load) ? load : null,
      // `harddisk` is all nulls on hosts whose df line does not wrap (§4).
      disks: disk && text(disk, 'mount') ? [{ mount: text(disk, 'mount'), usedPercent: count(disk, 'usepercent', -1) >= 0 ? count(disk, 'usepercent') : Number.parseInt(text(disk, 'usepercent'), 10) || null, size: text(disk, 'size') || null }] : [],
    };
  }
}
