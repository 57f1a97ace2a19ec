import type { RingGroup } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import { recordList, text, type JsonRecord } from '../vendor-json.js';
import type { IssabelApi } from './issabel-api.js';
import { checkNumbers } from './issabel-follow-me.js';
import { badNumber, byNumber, notFound, NUMBER } from './issabel-numbers.js';
import { createdNumber, ringGroupBody, ringGroupOf, ringGroupPath } from './issabel-ring-groups.js';
import type { IssabelWrites } from './issabel-writes.js';

/*
 * The ring-group resource (vendors/issabel.md §7): a list item lacks the ring time and the
 * destination, so each group is read in full; PUT only updates (a group gone is a 404, never
 * re-created); DELETE needs a JSON body; generation A checked no number collisions on POST.
 */

export class IssabelRingGroups {
  constructor(
    private readonly api: IssabelApi,
    private readonly writes: IssabelWrites,
    /** Whether an extension has the number (groups and extensions share the dial plan). */
    private readonly isExtension: (number: string) => Promise<boolean>,
  ) {}

  async list(): Promise<JsonRecord[]> {
    return recordList(await this.api.results({ method: 'GET', path: '/ringgroups', read: true, what: 'the ring groups' }), 'the ring groups');
  }

  /** The full record of a group, or null. */
  async record(number: string): Promise<JsonRecord | null> {
    const what = `ring group ${number}`;
    try {
      return recordList(await this.api.results({ method: 'GET', path: `/ringgroups/${number}`, read: true, what }), what)[0] ?? null;
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND' && err.details?.what === what) return null;
      throw err;
    }
  }

  async all(): Promise<RingGroup[]> {
    const out: RingGroup[] = [];
    for (const row of await this.list()) {
      const number = text(row, 'extension') || text(row, 'id');
      const full = NUMBER.test(number) ? await this.record(number) : null;
      if (full) out.push(ringGroupOf(full));
    }
    return out.sort(byNumber);
  }

  async create(group: RingGroup): Promise<RingGroup> {
    const body = ringGroupBody(group, null);
    if (group.number !== '') {
      if (!NUMBER.test(group.number)) throw badNumber(group.number);
      // B/C answer 409 for what these do not cover (queues, conferences…).
      if ((await this.record(group.number)) || (await this.isExtension(group.number))) {
        throw new AppError('CONFLICT', `The number ${group.number} is already in use`, { number: group.number });
      }
      body.extension = group.number;
    }
    const response = await this.writes.send({ method: 'POST', path: '/ringgroups', json: body, what: 'the ring group', pathOf: ringGroupPath });
    const number = group.number || createdNumber(response.headers.location);
    const created = number ? await this.record(number) : null;
    if (!created) throw new AppError('PBX_ERROR', 'The PBX said it created the ring group, but it cannot be found', { location: response.headers.location ?? null });
    return ringGroupOf(created);
  }

  async update(group: RingGroup): Promise<RingGroup> {
    const number = group.number;
    if (!NUMBER.test(number)) throw badNumber(number);
    checkNumbers(group.members, 'members');
    const current = await this.record(number);
    if (!current) throw notFound('Ring group', number);
    await this.writes.send({ method: 'PUT', path: `/ringgroups/${number}`, json: ringGroupBody(group, current), what: `ring group ${number}`, pathOf: ringGroupPath });
    const updated = await this.record(number);
    if (!updated) throw notFound('Ring group', number);
    return ringGroupOf(updated);
  }

  async remove(number: string): Promise<void> {
    if (!NUMBER.test(number)) throw badNumber(number);
    // The controller json_decode()s the body: an empty one is a 400, so `{}` always goes.
    await this.writes.send({ method: 'DELETE', path: `/ringgroups/${number}`, json: {}, what: `ring group ${number}` });
  }

  /** Saves the first group again under its own name (a write that changes nothing but runs apply-changes); false without one. */
  async resaveFirst(): Promise<boolean> {
    const first = (await this.list()).map((g) => ({ number: text(g, 'extension') || text(g, 'id'), name: text(g, 'name') })).find((g) => NUMBER.test(g.number));
    if (!first) return false;
    await this.writes.send({ method: 'PUT', path: `/ringgroups/${first.number}`, json: { name: first.name }, what: 'the configuration' }, true);
    return true;
  }
}
