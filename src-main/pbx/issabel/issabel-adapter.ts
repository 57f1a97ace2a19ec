import type {
  ApiIdentity,
  CallForwardSettings,
  Capabilities,
  CapabilityKey,
  ExtensionChange,
  FollowMe,
  ItemResult,
  PbxExtension,
  RingGroup,
  SystemHealth,
} from '../../../src-shared/domain/pbx.js';
import { AppError, toAppError } from '../../../src-shared/errors.js';
import type { HttpClient } from '../../net/http-client.js';
import { BaseAdapter, notSupported } from '../adapter.js';
import { isRecord, recordList, text, type JsonRecord } from '../vendor-json.js';
import type { IssabelGeneration } from './issabel-answers.js';
import { IssabelApi } from './issabel-api.js';
import { dbWrite } from './issabel-astdb.js';
import { checkCallForward, readCallForward, writeCallForward } from './issabel-call-forward.js';
import { ISSABEL_CAPABILITIES, ISSABEL_GEN_A_CAPABILITIES } from './issabel-capabilities.js';
import { createBody, extensionOf, extensionPath, updateBody } from './issabel-extensions.js';
import { checkNumbers, followMeBody, followMeOf, isFollowMeConfigured } from './issabel-follow-me.js';
import { badNumber, byNumber, notFound, NUMBER } from './issabel-numbers.js';
import { IssabelRingGroups } from './issabel-ring-group-calls.js';
import { IssabelSession } from './issabel-session.js';
import { IssabelWrites } from './issabel-writes.js';

/*
 * Issabel through pbxapi (vendors/issabel.md). The traps it sets, and what this does about them:
 * every PUT of an extension deletes follow-me, dictation and the emergency caller ID unless they
 * are sent again, so every PUT re-sends what the PBX has; PUT creates a missing extension, so
 * creation is a POST naming the number and an update first checks the number exists; a
 * multi-delete stops at the first unknown number without rolling back, so numbers are checked
 * first and the outcome of each is read back after any failure; every write reloads the PBX
 * unless told not to, so a batch sends its writes with reload off and applies once at the end.
 */

export interface IssabelAdapterOptions {
  http: HttpClient;
  /** pbxapi takes only `admin` (an empty user means that). */
  user: string;
  /** The AMI admin password (amiadminpwd in /etc/issabel.conf). */
  password: string;
  /** This computer's clock, for token lifetimes. Default Date.now. */
  nowMs?: () => number;
}

function group(record: JsonRecord, key: string): JsonRecord | null {
  const value = record[key];
  return isRecord(value) ? value : null;
}

/** A follow-me set up but not ringing, which a PUT keeps only when told it is on. */
function followMeSwitchedOff(current: JsonRecord): boolean {
  const followme = group(current, 'followme');
  return followme !== null && isFollowMeConfigured(followme) && text(followme, 'enabled') !== 'yes';
}

export class IssabelAdapter extends BaseAdapter {
  readonly vendor = 'issabel' as const;
  private readonly api: IssabelApi;
  private readonly session: IssabelSession;
  private readonly writes: IssabelWrites;
  private readonly groups: IssabelRingGroups;

  constructor(options: IssabelAdapterOptions) {
    super();
    this.session = new IssabelSession(options.http, { user: options.user, password: options.password }, options.nowMs ?? Date.now);
    this.api = new IssabelApi(options.http, this.session);
    this.writes = new IssabelWrites(this.api);
    this.groups = new IssabelRingGroups(this.api, this.writes, async (number) => (await this.record(number)) !== null);
  }

  capabilities(): Capabilities {
    return this.api.generation === 'A' ? ISSABEL_GEN_A_CAPABILITIES : ISSABEL_CAPABILITIES;
  }

  /**
   * Logs in afresh, then reads the ring groups: B/C wrap the answer (or the error) in a JSON
   * envelope with a `status`, A does not. B and C differ only in how the PBX signs its tokens,
   * which a client cannot observe, so they are reported together. pbxapi states no version.
   */
  async connect(signal?: AbortSignal): Promise<ApiIdentity> {
    await this.session.fresh(signal);
    await this.api.results({ method: 'GET', path: '/ringgroups', read: true, what: 'the ring groups', signal });
    return { generation: this.api.generation, version: null };
  }

  private async generation(): Promise<IssabelGeneration> {
    if (this.api.generation) return this.api.generation;
    try {
      await this.api.results({ method: 'GET', path: '/ringgroups', read: true, what: 'the ring groups' });
    } catch (err) {
      if (!this.api.generation) throw err;
    }
    return this.api.generation ?? 'B/C';
  }

  /**
   * Generation A cannot do `key` safely: refuse it as its capability table says. Checked before
   * reading when the generation is known, and again after (reading the extension tells it).
   */
  private refuseOnGenA(key: CapabilityKey): void {
    if (this.api.generation === 'A') throw notSupported(this.capabilities(), key);
  }

  // ——— Extensions ———

  /** The full record of an extension (B/C: nested, every field; A: five flat ones), or null. */
  private async record(number: string): Promise<JsonRecord | null> {
    const what = `extension ${number}`;
    const rows = recordList(await this.api.results({ method: 'GET', path: `/extensions/${number}`, read: true, what }), what);
    // An unknown number is `200 {"results":[]}`, not a 404.
    return rows.find((row) => text(row, 'extension') === number) ?? null;
  }

  override async listExtensions(): Promise<PbxExtension[]> {
    const what = 'the extension list';
    const rows = recordList(await this.api.results({ method: 'GET', path: '/extensions', read: true, what }), what);
    return rows.map(extensionOf).filter((e) => NUMBER.test(e.number)).sort(byNumber);
  }

  override async getExtension(number: string): Promise<PbxExtension | null> {
    if (!NUMBER.test(number)) return null;
    const row = await this.record(number);
    return row ? extensionOf(row) : null;
  }

  override async createExtension(number: string, change: ExtensionChange & { name: string }): Promise<PbxExtension> {
    if (!NUMBER.test(number)) throw badNumber(number);
    const body = createBody(number, change);
    if (await this.record(number)) throw new AppError('CONFLICT', `Extension ${number} already exists`, { extension: number });
    // POST, never PUT: a PUT on a number that exists (one the list does not show) would update it.
    await this.writes.send({ method: 'POST', path: '/extensions', json: body, what: `extension ${number}`, pathOf: extensionPath });
    const created = await this.record(number);
    if (!created) throw new AppError('PBX_ERROR', `The PBX said it created extension ${number}, but it is not there`, { extension: number });
    return extensionOf(created);
  }

  /**
   * PUTs `body` to an existing extension. A follow-me that is set up but switched off cannot
   * survive a PUT (only `enabled` = yes keeps it), so it is sent as on and switched off again in
   * AstDB right after, inside one batch so the reload comes after both.
   */
  private async putExtension(number: string, body: Record<string, string>, switchOffFollowMe: boolean, applyNow = false): Promise<void> {
    const send = async () => {
      const response = await this.writes.send({ method: 'PUT', path: `/extensions/${number}`, json: body, what: `extension ${number}`, pathOf: extensionPath }, applyNow);
      if (response.status === 201) {
        throw new AppError('CONFLICT', `Extension ${number} was deleted meanwhile, and the PBX created it again from this change alone`, { extension: number });
      }
      if (switchOffFollowMe) await dbWrite(this.api, 'dbput', `AMPUSER/${number}/followme`, 'ddial', 'EXTENSION');
    };
    if (switchOffFollowMe && !applyNow) await this.batch(send);
    else await send();
  }

  private async existing(number: string): Promise<JsonRecord> {
    if (!NUMBER.test(number)) throw badNumber(number);
    const current = await this.record(number);
    if (!current) throw notFound('Extension', number);
    return current;
  }

  override async updateExtension(number: string, change: ExtensionChange): Promise<PbxExtension> {
    this.refuseOnGenA('extensions.update');
    const current = await this.existing(number);
    this.refuseOnGenA('extensions.update');
    await this.putExtension(number, updateBody(current, change), followMeSwitchedOff(current));
    const updated = await this.record(number);
    if (!updated) throw new AppError('PBX_ERROR', `Extension ${number} is gone after the update`, { extension: number });
    return extensionOf(updated);
  }

  override async deleteExtensions(numbers: readonly string[]): Promise<ItemResult[]> {
    if (numbers.length === 0) return [];
    const before = new Set((await this.listExtensions()).map((e) => e.number));
    const targets = [...new Set(numbers.filter((n) => NUMBER.test(n) && before.has(n)))];
    let failure: AppError | null = null;
    let after: Set<string> | null = null;
    if (targets.length > 0) {
      try {
        // One request, one reload. The API stops at the first number it no longer finds.
        await this.writes.send({ method: 'DELETE', path: `/extensions/${targets.join(',')}`, json: {}, what: `extensions ${targets.join(', ')}` });
      } catch (err) {
        failure = toAppError(err);
        after = await this.listExtensions().then((list) => new Set(list.map((e) => e.number)), () => null);
      }
    }
    // What went before an unknown number stays deleted, and apply-changes did not run for it.
    const gone = after ? targets.filter((n) => !after.has(n)) : [];
    const applyFailure = failure && gone.length > 0 && !this.writes.batching ? await this.apply().then(() => null, toAppError) : null;
    return numbers.map((id): ItemResult => {
      const fail = (code: string, message: string): ItemResult => ({ id, ok: false, error: { code, message } });
      if (!NUMBER.test(id)) return fail('VALIDATION', `Not an Issabel number: ${id}`);
      if (!before.has(id)) return fail('NOT_FOUND', `Extension ${id} does not exist`);
      if (!failure) return { id, ok: true };
      if (!after) return fail(failure.code, `Extension ${id} may or may not have been deleted: ${failure.message}`);
      if (after.has(id)) return fail(failure.code, `Extension ${id} was not deleted: ${failure.message}`);
      if (applyFailure) return fail(applyFailure.code, `Extension ${id} was deleted, but applying the configuration failed: ${applyFailure.message}`);
      return { id, ok: true };
    });
  }

  // ——— Follow-me, call forward, DND ———

  override async getFollowMe(number: string): Promise<FollowMe | null> {
    this.refuseOnGenA('followMe.read');
    const current = await this.existing(number);
    this.refuseOnGenA('followMe.read');
    const followme = group(current, 'followme');
    return followme ? followMeOf(followme) : null;
  }

  override async setFollowMe(number: string, followMe: FollowMe | null): Promise<void> {
    if (followMe) checkNumbers(followMe.numbers, 'numbers');
    this.refuseOnGenA('followMe.write');
    const current = await this.existing(number);
    this.refuseOnGenA('followMe.write');
    const now = group(current, 'followme');
    const configured = now !== null && isFollowMeConfigured(now);
    if (followMe === null && !configured) return;
    const body = Object.fromEntries(Object.entries(updateBody(current, {})).filter(([key]) => !key.startsWith('followme.')));
    // `enabled: null` (unknown to the caller) leaves it switched on or off as it is.
    const off = followMe !== null && (followMe.enabled === false || (followMe.enabled === null && followMeSwitchedOff(current)));
    Object.assign(body, followMe ? followMeBody(number, followMe, now) : { 'followme.enabled': 'no' });
    await this.putExtension(number, body, off);
    const stored = group((await this.record(number)) ?? {}, 'followme');
    const read = stored ? followMeOf(stored) : null;
    const asSent = followMe === null ? read === null : read !== null && read.numbers.join('-') === followMe.numbers.join('-') && read.enabled === !off;
    if (!asSent) throw new AppError('PBX_ERROR', `The PBX did not store the follow-me of ${number} as sent`, { extension: number });
  }

  override async getCallForward(number: string): Promise<CallForwardSettings> {
    if (!NUMBER.test(number)) throw badNumber(number);
    return readCallForward(this.api, number);
  }

  override async setCallForward(number: string, settings: CallForwardSettings): Promise<void> {
    checkCallForward(settings);
    // AstDB takes any key: without this check a typo would forward a number that does not exist.
    await this.existing(number);
    await writeCallForward(this.api, number, settings, await readCallForward(this.api, number));
  }

  // ——— Ring groups ———

  override listRingGroups(): Promise<RingGroup[]> {
    return this.groups.all();
  }

  override createRingGroup(ringGroup: RingGroup): Promise<RingGroup> {
    return this.groups.create(ringGroup);
  }

  override updateRingGroup(ringGroup: RingGroup): Promise<RingGroup> {
    return this.groups.update(ringGroup);
  }

  override deleteRingGroup(number: string): Promise<void> {
    return this.groups.remove(number);
  }

  // ——— System ———

  /** Any authenticated manager call proves the PBX answers; the API cannot report uptime, load or disks. */
  override async health(): Promise<SystemHealth> {
    try {
      await this.api.manager('queuestatus', {}, true);
    } catch (err) {
      // The web API answered, but Asterisk behind it did not: calls are not being handled.
      if (err instanceof AppError && err.details?.ami === true) return { reachable: false, uptime: null, load: null, disks: [] };
      throw err;
    }
    return { reachable: true, uptime: null, load: null, disks: [] };
  }

  /**
   * pbxapi has no apply command: apply-changes runs after a write that does not turn it off. So
   * a ring group is saved again under its own name; without one, an extension is re-saved with
   * everything it has (a set-up but switched-off follow-me is on for the moments of the reload).
   */
  override async apply(): Promise<void> {
    if (await this.groups.resaveFirst()) return;
    const [extension] = (await this.generation()) === 'A' ? [] : await this.listExtensions();
    if (!extension) throw new AppError('PBX_ERROR', 'There is nothing on this PBX that can be saved again to apply the configuration: apply it in the Issabel web interface');
    const current = await this.existing(extension.number);
    await this.putExtension(extension.number, updateBody(current, {}), followMeSwitchedOff(current), true);
  }

  /**
   * Every write inside `work` goes out with reload off; one apply follows at the end when any
   * write was sent, also when one failed (what did succeed must take effect). A batch inside a
   * batch is part of the outer one. Extension deletes reload anyway in B/C (the API ignores
   * their body).
   */
  override batch<T>(work: () => Promise<T>): Promise<T> {
    return this.writes.batch(work, () => this.apply());
  }
}
