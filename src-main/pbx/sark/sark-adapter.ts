import type {
  ApiIdentity,
  CallForwardSettings,
  Capabilities,
  ExtensionChange,
  ItemResult,
  PbxExtension,
  PeerStatus,
  RingGroup,
  SystemHealth,
} from '../../../src-shared/domain/pbx.js';
import { AppError, toAppError } from '../../../src-shared/errors.js';
import { ZoneClock } from '../../../src-shared/time-zones.js';
import type { HttpClient } from '../../net/http-client.js';
import { BaseAdapter, type CdrFetch } from '../adapter.js';
import { isRecord, recordList, text } from '../vendor-json.js';
import { SarkApi, type SarkCredentials } from './sark-api.js';
import { downloadCallLog } from './sark-call-log.js';
import { SARK_CAPABILITIES } from './sark-capabilities.js';
import { CdrBatcher } from './sark-cdr.js';
import {
  callForwardOf,
  checkCallForward,
  checkCreatable,
  creationRoute,
  EXTENSION_FIELD_MAP,
  extensionOf,
  extensionUpdate,
  isPeerEntry,
  peerOf,
  RING_GROUP_FIELD_MAP,
  ringGroupBody,
  ringGroupOf,
  RUNTIME_FIELD_MAP,
} from './sark-mapping.js';
import { healthOf } from './sark-health.js';

/*
 * SARK 6 through sark6api (vendors/sark.md): the Laravel 7 API without authentication, or its
 * Laravel 11 successor with Sanctum tokens (sark-api.ts tells them apart). Its answers are honest
 * (201 and 204 mean done, errors are typed), so writes are not read back the way Elastix's are,
 * except where SARK says nothing: a runtime PUT answers 204 whatever Asterisk did. What SARK's API
 * cannot store is refused before anything is sent, since SARK itself drops unknown keys silently.
 * Configuration changes take effect only after `/syscommands/commit`, sent after each write, or
 * once at the end of a batch.
 */

export interface SarkAdapterOptions {
  http: HttpClient;
  /** L11 only: a SARK user's e-mail address and password; L7 needs none. */
  credentials: SarkCredentials | null;
  /** The site's zone: Master.csv holds local wall-clock times. */
  timeZone: string;
  /** SARK's tenant for new extensions and ring groups. Default `default`. */
  cluster?: string;
}

/** Every `/astamis` read waits out PHP's 3-second AMI stream timeout, and a runtime read does it three times. */
const AMI_TIMEOUT_MS = 60_000;

export class SarkAdapter extends BaseAdapter {
  readonly vendor = 'sark' as const;
  private readonly api: SarkApi;
  private readonly clock: ZoneClock;
  private readonly cluster: string;
  private batchDepth = 0;
  private uncommitted = false;

  constructor(options: SarkAdapterOptions) {
    super();
    this.api = new SarkApi(options.http, options.credentials);
    this.clock = new ZoneClock(options.timeZone);
    this.cluster = options.cluster ?? 'default';
  }

  capabilities(): Capabilities {
    return SARK_CAPABILITIES;
  }

  /**
   * `pbxrunstate` is the cheapest authenticated read (no AMI round trip): L7 answers it, L11 asks
   * for a login first. SARK reports no version of its own.
   */
  async connect(signal?: AbortSignal): Promise<ApiIdentity> {
    await this.api.json({ path: '/syscommands/pbxrunstate', what: 'the PBX state', signal });
    return { generation: this.api.generation, version: null };
  }

  private async findExtension(number: string): Promise<PbxExtension | null> {
    try {
      const row = await this.api.json({ path: `/extensions/${encodeURIComponent(number)}`, what: `extension ${number}` });
      if (!isRecord(row)) throw new AppError('PBX_ERROR', `SARK answered extension ${number} with something that is not an extension`);
      return extensionOf(row);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND' && err.details?.kind === 'model') return null;
      throw err;
    }
  }

  override async listExtensions(): Promise<PbxExtension[]> {
    return recordList(await this.api.json({ path: '/extensions', what: 'the extensions' }), 'the extensions').map(extensionOf);
  }

  override getExtension(number: string): Promise<PbxExtension | null> {
    return this.findExtension(number);
  }

  override async createExtension(number: string, change: ExtensionChange & { name: string }): Promise<PbxExtension> {
    checkCreatable(number, change);
    const what = `extension ${number}`;
    await this.refuseTaken(number, what);
    await this.api.expect({ method: 'POST', path: creationRoute(change.technology)!, body: { pkey: number, cluster: this.cluster }, what, fields: EXTENSION_FIELD_MAP });
    // The 201 holds only what Eloquent had in memory, not the row: read the row.
    let created = await this.findExtension(number);
    if (!created) throw new AppError('PBX_ERROR', `SARK said it created extension ${number}, but it is not there`, { extension: number });
    // What the creation routes do not take goes in a PUT straight after.
    try {
      const rest = extensionUpdate(created, { email: change.email, callerId: change.callerId, fields: change.fields });
      if (Object.keys(rest).length > 0) created = await this.putExtension(number, rest);
    } catch (err) {
      // Half an extension is worse than none: the person corrects the value and creates it again.
      await this.api.expect({ method: 'DELETE', path: `/extensions/${encodeURIComponent(number)}`, what, idempotent: false }).catch(() => undefined);
      throw err;
    }
    await this.committed();
    return created;
  }

  override async updateExtension(number: string, change: ExtensionChange): Promise<PbxExtension> {
    const current = await this.findExtension(number);
    if (!current) throw new AppError('NOT_FOUND', `Extension ${number} does not exist`, { extension: number });
    const body = extensionUpdate(current, change);
    if (Object.keys(body).length === 0) return current;
    const updated = await this.putExtension(number, body);
    await this.committed();
    return updated;
  }

  /** The PUT answers with the whole model as saved. */
  private async putExtension(number: string, body: Record<string, string | null>): Promise<PbxExtension> {
    const row = await this.api.json({ method: 'PUT', path: `/extensions/${encodeURIComponent(number)}`, body, what: `extension ${number}`, fields: EXTENSION_FIELD_MAP });
    if (!isRecord(row)) throw new AppError('PBX_ERROR', `SARK answered the update of extension ${number} with something that is not an extension`);
    return extensionOf(row);
  }

  override deleteExtensions(numbers: readonly string[]): Promise<ItemResult[]> {
    return this.batch(async () => {
      const results: ItemResult[] = [];
      for (const number of numbers) {
        try {
          await this.deleteExtension(number);
          results.push({ id: number, ok: true });
        } catch (err) {
          const error = toAppError(err);
          results.push({ id: number, ok: false, error: { code: error.code, message: error.message } });
        }
      }
      return results;
    });
  }

  private async deleteExtension(number: string): Promise<void> {
    await this.deleteOnce(`/extensions/${encodeURIComponent(number)}`, `Extension ${number}`, async () => (await this.findExtension(number)) !== null);
  }

  /**
   * A DELETE is never sent twice (a second one of a deleted row is a 404 that would report a
   * success as a failure); an answer lost on the way is settled by looking whether the row is gone.
   */
  private async deleteOnce(path: string, what: string, exists: () => Promise<boolean>): Promise<void> {
    const call = { method: 'DELETE' as const, path, what, idempotent: false };
    let response;
    try {
      response = await this.api.send(call);
    } catch (err) {
      if (err instanceof AppError && err.code !== 'AUTH_FAILED' && (await exists().catch(() => true)) === false) {
        await this.committed();
        return;
      }
      throw err;
    }
    if (response.status >= 300) {
      const error = this.api.failure(response, call);
      if (error.code === 'NOT_FOUND' && error.details?.kind === 'model') throw new AppError('NOT_FOUND', `${what} does not exist`, { what });
      throw error;
    }
    await this.committed();
  }

  /**
   * SARK checks a new key only against its own table, so a ring group could take an extension's
   * number (or the reverse) and shadow it in the dialplan. `/destinations` lists every kind's keys.
   */
  private async refuseTaken(number: string, what: string): Promise<void> {
    const destinations = await this.api.json({ path: '/destinations', what: 'the numbers in use' });
    if (!isRecord(destinations)) throw new AppError('PBX_ERROR', 'SARK answered the numbers in use with something unexpected');
    for (const [kind, keys] of Object.entries(destinations)) {
      if (Array.isArray(keys) && keys.includes(number)) throw new AppError('CONFLICT', `${what} cannot be created: ${kind} already has ${number}`, { number, takenBy: kind });
    }
  }

  override async getCallForward(number: string): Promise<CallForwardSettings> {
    const runtime = await this.api.json({ path: `/extensions/${encodeURIComponent(number)}/runtime`, what: `extension ${number}`, timeoutMs: AMI_TIMEOUT_MS });
    if (!isRecord(runtime)) throw new AppError('PBX_ERROR', `SARK answered the call forwarding of ${number} with something unexpected`);
    return callForwardOf(runtime);
  }

  /**
   * Values go through `PUT …/runtime`; a cleared one through AstDB (`DELETE /astamis/DBdel`),
   * since the PUT's rules cannot take an empty value (§4). The PUT answers 204 whatever Asterisk
   * did, so the result is read back.
   */
  override async setCallForward(number: string, settings: CallForwardSettings): Promise<void> {
    checkCallForward(settings);
    const what = `extension ${number}`;
    const body: Record<string, string> = {};
    if (settings.always !== null) body.cfim = settings.always;
    if (settings.busy !== null) body.cfbs = settings.busy;
    if (Object.keys(body).length > 0) {
      await this.api.expect({ method: 'PUT', path: `/extensions/${encodeURIComponent(number)}/runtime`, body, what, fields: RUNTIME_FIELD_MAP, timeoutMs: AMI_TIMEOUT_MS });
    }
    for (const [family, value] of [['cfim', settings.always], ['cfbs', settings.busy]] as const) {
      if (value === null) await this.api.expect({ method: 'DELETE', path: `/astamis/DBdel/${family}/${encodeURIComponent(number)}`, what, timeoutMs: AMI_TIMEOUT_MS });
    }
    const now = await this.getCallForward(number);
    if (now.always !== settings.always || now.busy !== settings.busy) {
      throw new AppError('PBX_ERROR', `SARK did not store the call forwarding of ${number} as sent`, { extension: number });
    }
  }

  override async listRingGroups(): Promise<RingGroup[]> {
    return recordList(await this.api.json({ path: '/ringgroups', what: 'the ring groups' }), 'the ring groups').map(ringGroupOf);
  }

  private async ringGroupRow(call: Parameters<SarkApi['json']>[0]): Promise<RingGroup> {
    const row = await this.api.json({ ...call, fields: RING_GROUP_FIELD_MAP });
    if (!isRecord(row)) throw new AppError('PBX_ERROR', `SARK answered ${call.what} with something that is not a ring group`);
    return ringGroupOf(row);
  }

  override async createRingGroup(group: RingGroup): Promise<RingGroup> {
    const body = { pkey: group.number, cluster: this.cluster, ...ringGroupBody(group, null) };
    await this.refuseTaken(group.number, `ring group ${group.number}`);
    const created = await this.ringGroupRow({ method: 'POST', path: '/ringgroups', body, what: `ring group ${group.number}` });
    await this.committed();
    return created;
  }

  override async updateRingGroup(group: RingGroup): Promise<RingGroup> {
    const what = `ring group ${group.number}`;
    const current = await this.ringGroupRow({ path: `/ringgroups/${encodeURIComponent(group.number)}`, what });
    const body = ringGroupBody(group, current);
    if (Object.keys(body).length === 0) return current;
    const updated = await this.ringGroupRow({ method: 'PUT', path: `/ringgroups/${encodeURIComponent(group.number)}`, body, what });
    await this.committed();
    return updated;
  }

  override async deleteRingGroup(number: string): Promise<void> {
    await this.deleteOnce(`/ringgroups/${encodeURIComponent(number)}`, `Ring group ${number}`, () =>
      this.ringGroupRow({ path: `/ringgroups/${encodeURIComponent(number)}`, what: `ring group ${number}` }).then(
        () => true,
        (err: unknown) => !(err instanceof AppError && err.code === 'NOT_FOUND' && err.details?.kind === 'model'),
      ),
    );
  }

  override async fetchCdrs(fetch: CdrFetch): Promise<number> {
    const batcher = new CdrBatcher(this.clock, fetch);
    await downloadCallLog(this.api, (rows) => batcher.add(rows), fetch.signal);
    await batcher.finish();
    return batcher.delivered;
  }

  /** `SIPpeers` through SARK's AMI gateway; an empty list is its 404 "Empty Object set". */
  override async peers(): Promise<PeerStatus[]> {
    try {
      const list = recordList(await this.api.json({ path: '/astamis/SIPpeers', what: 'the SIP peers', timeoutMs: AMI_TIMEOUT_MS }), 'the SIP peers');
      return list.filter(isPeerEntry).map(peerOf);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND' && err.details?.kind === 'empty') return [];
      throw err;
    }
  }

  override async health(): Promise<SystemHealth> {
    const state = await this.api.json({ path: '/syscommands/pbxrunstate', what: 'the PBX state' });
    const running = isRecord(state) && ['true', '1'].includes(text(state, 'pbxrunstate'));
    if (!running) return healthOf(false, null, this.clock);
    // Asterisk runs (SARK looked at the process list); only its uptime needs SARK's AMI login, which can fail on its own.
    const status = await this.api.json({ path: '/astamis/CoreStatus', what: 'the Asterisk status', timeoutMs: AMI_TIMEOUT_MS }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'PBX_ERROR' && Number(err.details?.status) >= 500) return null;
      throw err;
    });
    return healthOf(true, isRecord(status) ? status : null, this.clock);
  }

  /** `/syscommands/commit` regenerates Asterisk's configuration from SARK's database (a GET with a side effect). */
  override async apply(): Promise<void> {
    const answer = await this.api.json({ path: '/syscommands/commit', what: 'the commit' });
    if (!isRecord(answer) || text(answer, 'message') === '') throw new AppError('PBX_ERROR', 'SARK answered the commit with something unexpected');
    this.uncommitted = false;
  }

  override async batch<T>(work: () => Promise<T>): Promise<T> {
    this.batchDepth++;
    let result: T;
    try {
      result = await work();
    } catch (err) {
      // The change that failed is what the person must see; a failed commit stays pending for the next write.
      await this.endBatch().catch(() => undefined);
      throw err;
    }
    await this.endBatch();
    return result;
  }

  private async endBatch(): Promise<void> {
    this.batchDepth--;
    if (this.batchDepth === 0 && this.uncommitted) await this.commit();
  }

  /** After a configuration write: commit now, or at the end of the batch under way. */
  private async committed(): Promise<void> {
    this.uncommitted = true;
    if (this.batchDepth === 0) await this.commit();
  }

  private async commit(): Promise<void> {
    try {
      await this.apply();
    } catch (err) {
      const error = toAppError(err);
      throw new AppError(error.code, `Saved on the PBX, but SARK could not apply it: ${error.message}`, { ...error.details, saved: true });
    }
  }
}
