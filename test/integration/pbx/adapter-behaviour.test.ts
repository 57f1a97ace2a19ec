import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { PbxAdapter } from '../../../src-main/pbx/adapter.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { ELASTIX_CAPABILITIES } from '../../../src-main/pbx/elastix/elastix-capabilities.js';
import { startElastixSimulator } from '../../../src-main/sim/elastix/index.js';
import { IssabelAdapter } from '../../../src-main/pbx/issabel/issabel-adapter.js';
import { ISSABEL_CAPABILITIES } from '../../../src-main/pbx/issabel/issabel-capabilities.js';
import { followMeEnabled, startIssabelSimulator } from '../../../src-main/sim/issabel/index.js';
import { SarkAdapter } from '../../../src-main/pbx/sark/sark-adapter.js';
import { SARK_CAPABILITIES } from '../../../src-main/pbx/sark/sark-capabilities.js';
import { startSarkSimulator } from '../../../src-main/sim/sark/index.js';
import type { CallForwardSettings, Capabilities, CapabilityKey, CdrRecord, ExtensionChange, FollowMe, PbxExtension } from '../../../src-shared/domain/pbx.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * One behaviour suite for every vendor adapter, against its vendor's simulator over real sockets:
 * for each capability an adapter claims through its API, the round trips a technician relies on.
 * What the PBX holds afterwards is read from the simulator's own truth, never from the adapter.
 */

const NOW = Date.parse('2026-11-20T12:00:00Z');

/** A call as the PBX's own table has it: enough to tell rows apart without the adapter's key. */
interface TruthCdr {
  uniqueid: string;
  dst: string;
  startedAt: number;
  recordingPath: string | null;
}

interface Subject {
  adapter: PbxAdapter;
  /** Extension numbers the PBX has now. */
  extensions(): string[];
  /** The name the PBX has for an extension. */
  extensionName(number: string): string | null;
  /** Every CDR row the API can return (the vendor's own exclusions applied). */
  cdrs(): TruthCdr[];
  recording(path: string): Buffer | undefined;
  /** Requests the simulator received so far. */
  requests(): number;
  close(): Promise<void>;
  /** Whether the vendor's API reports uptime at all (an adapter must not invent one). */
  reportsUptime: boolean;
  /** The follow-me the PBX has for an extension: its numbers, and whether it rings (AstDB ddial). */
  followMe(number: string): { numbers: string[]; enabled: boolean } | null;
  // Truth for what only some vendors do through their API; a vendor claiming the capability must provide it.
  ringGroups?(): Array<{ number: string; name: string; members: string[] }>;
  callForward?(number: string): CallForwardSettings;
  /** Configuration applies (reloads) the PBX has run so far. */
  applies?(): number;
  // Where a PBX's API cannot do what most do, what it does instead (defaults: what Elastix and Issabel do).
  /** What a new extension is given, and the name the PBX then has for it (SARK names it itself and picks its secret). */
  creates?(number: string): { change: ExtensionChange & { name: string }; name: string };
  /** An edit any extension takes, where it shows, and which vendor fields it touches (default: a new name, which rewrites `callerid`). */
  mark?: { change(text: string): ExtensionChange; of(extension: PbxExtension): string | null; truth(number: string): string | null; touches: string[] };
  /** Whether the PBX forwards on no answer and keeps DND with its forwards (default: both). */
  forwards?: { noAnswer: boolean; dnd: boolean };
  /** How many requests a CDR sync of `rows` rows takes: the vendor's paging. */
  cdrRequests?(rows: number): { atLeast: number; atMost: number };
}

async function startElastix(): Promise<Subject> {
  const offset = 120;
  const sim = await startElastixSimulator({ seed: 7, extensions: 40, cdrs: 3000, cdrDays: 20, nowMs: NOW, utcOffsetMinutes: offset, recordings: 3 });
  const http = new HttpClient({ baseUrl: `${sim.url}/api/api.php`, pinnedFingerprint256: null, logger: new MemoryLogger(), retryDelayMs: 10 });
  // Etc/GMT-2 is UTC+2 all year, like the simulator's fixed offset. A small row limit forces window splits.
  const adapter = new ElastixAdapter({ http, key: sim.key, timeZone: 'Etc/GMT-2', cdrLimit: 100 });
  return {
    adapter,
    extensions: () => sim.state.users.map((u) => String(u.extension)),
    extensionName: (number) => sim.state.users.find((u) => String(u.extension) === number)?.name ?? null,
    cdrs: () =>
      sim.state.cdrs
        .filter((row) => row.dst !== 's')
        .map((row) => ({
          uniqueid: row.uniqueid,
          dst: row.dst,
          startedAt: Date.parse(`${row.calldate.replace(' ', 'T')}Z`) - offset * 60_000,
          recordingPath: row.recordingfile ? `/${row.calldate.slice(0, 10).replace(/-/g, '/')}/${row.recordingfile}` : null,
        })),
    recording: (path) => sim.state.recordings.get(path),
    requests: () => sim.requests.length,
    close: () => sim.close(),
    reportsUptime: true,
    // More rows than one answer holds (cdrLimit 100): the adapter has to ask in several windows.
    cdrRequests: (rows) => ({ atLeast: Math.floor(rows / 100) + 1, atMost: Number.POSITIVE_INFINITY }),
    followMe: (number) => {
      const row = sim.state.findmefollow.find((r) => r.grpnum === number);
      return row ? { numbers: (row.grplist ?? '').split('-'), enabled: sim.state.astdb.get(`AMPUSER/${number}/followme/ddial`) === 'DIRECT' } : null;
    },
  };
}

async function startIssabel(): Promise<Subject> {
  // Seed 3's office has follow-mes both ringing and set up but switched off.
  const sim = await startIssabelSimulator({ seed: 3, extensions: 40, ringGroups: 2, reloadDelayMs: 2 });
  const http = new HttpClient({ baseUrl: sim.apiUrl, pinnedFingerprint256: null, logger: new MemoryLogger(), retryDelayMs: 10 });
  const adapter = new IssabelAdapter({ http, user: 'admin', password: 'amp111' });
  return {
    adapter,
    extensions: () => [...sim.state.extensions.keys()],
    extensionName: (number) => sim.state.extensions.get(number)?.users.name ?? null,
    cdrs: () => [],
    recording: () => undefined,
    requests: () => sim.requests.length,
    close: () => sim.close(),
    reportsUptime: false,
    followMe: (number) => {
      const row = sim.state.followme.get(number);
      return row ? { numbers: row.grplist.split('-'), enabled: followMeEnabled(sim.state, number) } : null;
    },
    ringGroups: () => [...sim.state.ringGroups.values()].map((g) => ({ number: g.grpnum, name: g.description, members: g.grplist.split('-') })),
    callForward: (number) => ({
      always: sim.state.astdb.get(`CF/${number}`) ?? null,
      busy: sim.state.astdb.get(`CFB/${number}`) ?? null,
      noAnswer: sim.state.astdb.get(`CFU/${number}`) ?? null,
      dnd: sim.state.astdb.has(`DND/${number}`),
    }),
    applies: () => sim.state.reloads,
  };
}

async function startSark(): Promise<Subject> {
  const offset = 120;
  // AMI reads that would take SARK's 3 s, and a throttle that never bites: the suite stays quick.
  const sim = await startSarkSimulator({ seed: 9, extensions: 40, cdrs: 3000, cdrDays: 20, nowMs: NOW, utcOffsetMinutes: offset, astamisDelayMs: 5, throttlePerMinute: 100_000, liveCalls: 1 });
  const http = new HttpClient({ baseUrl: `${sim.url}/api`, pinnedFingerprint256: null, logger: new MemoryLogger(), retryDelayMs: 10 });
  const adapter = new SarkAdapter({ http, credentials: null, timeZone: 'Etc/GMT-2' });
  const astdb = (family: string, number: string) => sim.state.astdb.get(family)?.get(number) ?? null;
  return {
    adapter,
    extensions: () => [...sim.state.extensions.keys()],
    extensionName: (number) => sim.state.extensions.get(number)?.desc ?? null,
    // Master.csv holds every row, `s` destinations included, to the second.
    cdrs: () => sim.state.cdrs.map((row) => ({ uniqueid: row.uniqueid, dst: row.dst, startedAt: Math.floor(row.startMs / 1000) * 1000, recordingPath: null })),
    recording: () => undefined,
    requests: () => sim.requests.length,
    close: () => sim.close(),
    reportsUptime: true,
    followMe: () => null,
    ringGroups: () => [...sim.state.ringGroups.values()].map((g) => ({ number: g.pkey!, name: g.longdesc ?? '', members: (g.out ?? '').split(' ').filter((m) => m !== '') })),
    callForward: (number) => ({ always: astdb('cfim', number), busy: astdb('cfbs', number), noAnswer: null, dnd: false }),
    applies: () => sim.requests.filter((r) => r.path === '/api/syscommands/commit').length,
    creates: (number) => ({ change: { name: '' }, name: `Ext${number}` }),
    // `provision` is free text; the name cannot be changed through SARK's API.
    mark: { change: (text) => ({ fields: { provision: text } }), of: (extension) => extension.fields.provision, truth: (number) => sim.state.extensions.get(number)?.provision ?? null, touches: ['provision'] },
    forwards: { noAnswer: false, dnd: false },
    // The whole Master.csv in one download.
    cdrRequests: () => ({ atLeast: 1, atMost: 1 }),
  };
}

/** Each vendor: what its adapter claims (known before anything starts), and how to start it on its simulator. */
const SUBJECTS: Record<string, { capabilities: Capabilities; start: () => Promise<Subject> }> = {
  elastix: { capabilities: ELASTIX_CAPABILITIES, start: startElastix },
  issabel: { capabilities: ISSABEL_CAPABILITIES, start: startIssabel },
  sark: { capabilities: SARK_CAPABILITIES, start: startSark },
};

describe.each(Object.keys(SUBJECTS))('%s adapter behaviour', (vendor) => {
  let subject: Subject;
  // Only what the adapter claims through its API is exercised; the rest it must refuse (capabilities.test.ts).
  const claims = (key: CapabilityKey) => SUBJECTS[vendor].capabilities[key].via === 'api';
  const itClaimed = (key: CapabilityKey | CapabilityKey[], name: string, fn: () => Promise<void>, timeout?: number) => {
    if ([key].flat().every(claims)) it(name, fn, timeout);
  };
  const creates = (number: string) => subject.creates?.(number) ?? { change: { name: 'Zoé Behaviour', secret: 'S3cret-3999' }, name: 'Zoé Behaviour' };
  const mark = () => subject.mark ?? { change: (name: string) => ({ name }), of: (e: PbxExtension) => e.name, truth: subject.extensionName, touches: ['callerid'] };

  beforeAll(async () => {
    subject = await SUBJECTS[vendor].start();
    expect(subject.adapter.capabilities()).toEqual(SUBJECTS[vendor].capabilities);
    await subject.adapter.connect();
  });
  afterAll(() => subject.close());

  itClaimed('extensions.list', 'lists exactly the extensions the PBX has', async () => {
    const listed = await subject.adapter.listExtensions();
    expect(listed.map((e) => e.number).sort()).toEqual(subject.extensions().sort());
    expect(listed.every((e) => e.name !== '')).toBe(true);
  });

  itClaimed('extensions.create', 'creates, reads, updates and deletes an extension, leaving every other field as it was', async () => {
    const number = '3999';
    const ask = creates(number);
    const created = await subject.adapter.createExtension(number, ask.change);
    expect(created).toMatchObject({ number, name: ask.name });
    // The secret asked for, or the one the PBX chose where it chooses.
    expect(created.secret).toEqual(ask.change.secret ?? expect.stringMatching(/^\S{8,}$/));
    expect(subject.extensions()).toContain(number);
    // Another name where the PBX takes one: the number alone decides.
    expect((await rejection(subject.adapter.createExtension(number, { ...ask.change, name: ask.change.name && 'Again' }))).code).toBe('CONFLICT');

    const fetched = await subject.adapter.getExtension(number);
    expect(fetched).toEqual(created);

    const updated = await subject.adapter.updateExtension(number, mark().change('Zoé Renamed'));
    expect(mark().of(updated)).toBe('Zoé Renamed');
    expect(mark().truth(number)).toBe('Zoé Renamed');
    // The secret and every vendor field the update did not name are still what they were.
    expect(updated.secret).toBe(created.secret);
    const untouched = (fields: Record<string, string>) => ({ ...fields, ...Object.fromEntries(mark().touches.map((k) => [k, ''])) });
    expect(untouched(updated.fields)).toEqual(untouched(created.fields));

    expect(await subject.adapter.deleteExtensions([number, '3998'])).toEqual([
      { id: number, ok: true },
      { id: '3998', ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) },
    ]);
    expect(subject.extensions()).not.toContain(number);
    expect(await subject.adapter.getExtension(number)).toBeNull();
  });

  itClaimed('followMe.write', 'sets, changes and removes a follow-me, reading back what the PBX stored', async () => {
    const [number] = subject.extensions();
    const first: FollowMe = { enabled: null, strategy: 'ringall', numbers: [number, '0612345678'], ringSeconds: 25, preRingSeconds: 5, confirmCalls: true, noAnswerDestination: null };
    await subject.adapter.setFollowMe(number, first);
    expect(await subject.adapter.getFollowMe(number)).toMatchObject({ strategy: 'ringall', numbers: [number, '0612345678'], ringSeconds: 25, preRingSeconds: 5, confirmCalls: true });
    await subject.adapter.setFollowMe(number, { ...first, strategy: 'hunt', numbers: ['0698765432#'] });
    expect(await subject.adapter.getFollowMe(number)).toMatchObject({ strategy: 'hunt', numbers: ['0698765432#'] });
    await subject.adapter.setFollowMe(number, null);
    expect(await subject.adapter.getFollowMe(number)).toBeNull();
  });

  itClaimed(['extensions.update', 'followMe.read'], 'changes an extension without touching its follow-me, whether it rings or is switched off', async () => {
    const withFollowMe = subject.extensions().filter((n) => subject.followMe(n) !== null);
    // The office has both kinds: follow-mes that ring and follow-mes set up but switched off.
    expect(new Set(withFollowMe.map((n) => subject.followMe(n)!.enabled))).toEqual(new Set([true, false]));
    for (const number of withFollowMe) {
      const before = subject.followMe(number);
      const { name } = (await subject.adapter.getExtension(number))!;
      await subject.adapter.updateExtension(number, { name: `${name} Jr` });
      expect(subject.extensionName(number)).toBe(`${name} Jr`);
      expect(subject.followMe(number), `follow-me of ${number}`).toEqual(before);
    }
  });

  itClaimed('ringGroups.write', 'creates, changes and deletes a ring group; changing one that does not exist creates nothing', async () => {
    const [a, b, c] = subject.extensions();
    const truth = () => subject.ringGroups!().find((g) => g.number === '650');
    const created = await subject.adapter.createRingGroup({ number: '650', name: 'Behaviour', strategy: 'hunt', members: [a, b], ringSeconds: 30, noAnswerDestination: null });
    expect(created).toMatchObject({ number: '650', name: 'Behaviour', strategy: 'hunt', members: [a, b], ringSeconds: 30 });
    expect(truth()).toEqual({ number: '650', name: 'Behaviour', members: [a, b] });
    expect((await rejection(subject.adapter.createRingGroup({ ...created, name: 'Twice' }))).code).toBe('CONFLICT');
    expect((await rejection(subject.adapter.createRingGroup({ ...created, number: a }))).code).toBe('CONFLICT');
    expect((await subject.adapter.listRingGroups()).find((g) => g.number === '650')).toEqual(created);

    const updated = await subject.adapter.updateRingGroup({ ...created, name: 'Renamed', members: [c] });
    expect(updated).toEqual({ ...created, name: 'Renamed', members: [c] });
    expect(truth()).toEqual({ number: '650', name: 'Renamed', members: [c] });
    expect((await rejection(subject.adapter.updateRingGroup({ ...created, number: '651' }))).code).toBe('NOT_FOUND');
    expect(subject.ringGroups!().some((g) => g.number === '651')).toBe(false);

    await subject.adapter.deleteRingGroup('650');
    expect(truth()).toBeUndefined();
    expect((await rejection(subject.adapter.deleteRingGroup('650'))).code).toBe('NOT_FOUND');
  });

  itClaimed('callForward.write', 'sets and clears call forwarding and do-not-disturb, as the PBX then has them', async () => {
    const number = subject.extensions()[5];
    const kinds = subject.forwards ?? { noAnswer: true, dnd: true };
    const all: CallForwardSettings = { always: '0611111111', busy: '0622222222', noAnswer: kinds.noAnswer ? '0633333333#' : null, dnd: kinds.dnd };
    await subject.adapter.setCallForward(number, all);
    expect(subject.callForward!(number)).toEqual(all);
    expect(await subject.adapter.getCallForward(number)).toEqual(all);
    const some: CallForwardSettings = { always: null, busy: '0644444444', noAnswer: null, dnd: false };
    await subject.adapter.setCallForward(number, some);
    expect(subject.callForward!(number)).toEqual(some);
    expect(await subject.adapter.getCallForward(number)).toEqual(some);
    // A number that is no extension gets nothing written.
    expect((await rejection(subject.adapter.setCallForward('3997', all))).code).toBe('NOT_FOUND');
    expect(subject.callForward!('3997')).toEqual({ always: null, busy: null, noAnswer: null, dnd: false });
  });

  itClaimed('config.apply', 'applies a batch of changes once at the end, also when one of them fails', async () => {
    const [a, b] = subject.extensions().filter((n) => subject.followMe(n) === null);
    const before = subject.applies!();
    const failed = await rejection(
      subject.adapter.batch(async () => {
        await subject.adapter.updateExtension(a, mark().change('Batch One'));
        await subject.adapter.updateExtension(b, mark().change('Batch Two'));
        expect(subject.applies!()).toBe(before);
        await subject.adapter.updateExtension('3996', { name: 'Nobody' });
      }),
    );
    expect(failed.code).toBe('NOT_FOUND');
    expect(subject.applies!()).toBe(before + 1);
    expect([mark().truth(a), mark().truth(b)]).toEqual(['Batch One', 'Batch Two']);

    // Batches inside a batch are part of it; a batch that changed nothing applies nothing.
    await subject.adapter.batch(() => subject.adapter.batch(() => subject.adapter.updateExtension(a, mark().change('Batch Three'))));
    expect(subject.applies!()).toBe(before + 2);
    await subject.adapter.batch(() => subject.adapter.listExtensions());
    expect(subject.applies!()).toBe(before + 2);
    await subject.adapter.apply();
    expect(subject.applies!()).toBe(before + 3);
  });

  itClaimed('cdr.fetch', 'syncs call history without a gap or a duplicate, however the windows are split', async () => {
    const truth = subject.cdrs();
    const from = Math.min(...truth.map((c) => c.startedAt));
    const to = Math.max(...truth.map((c) => c.startedAt));
    const before = subject.requests();
    const got: CdrRecord[] = [];
    const covered: number[] = [];
    const delivered = await subject.adapter.fetchCdrs({
      window: { from, to },
      onBatch: (batch, coveredTo) => {
        // A batch never holds a call from beyond what it says it covers.
        expect(batch.every((c) => c.startedAt <= coveredTo)).toBe(true);
        covered.push(coveredTo);
        got.push(...batch);
      },
    });
    // Coverage only moves forward and ends at the end of the window: a sync can resume from any batch.
    expect(covered).toEqual([...covered].sort((a, b) => a - b));
    expect(covered.at(-1)).toBeGreaterThanOrEqual(to);
    expect(delivered).toBe(got.length);
    const id = (c: { uniqueid: string; dst: string; startedAt: number }) => `${c.uniqueid}|${c.dst}|${c.startedAt}`;
    expect(got.map(id).sort()).toEqual(truth.map(id).sort());
    expect(new Set(got.map((c) => c.key)).size).toBe(got.length);
    // As many requests as the vendor's paging needs, and no more (the subject says which).
    const paging = subject.cdrRequests!(truth.length);
    expect(subject.requests() - before).toBeGreaterThanOrEqual(paging.atLeast);
    expect(subject.requests() - before).toBeLessThanOrEqual(paging.atMost);

    // A sync resumed from the middle returns exactly the rows from there on.
    const middle = got[Math.floor(got.length / 2)].startedAt;
    const rest: CdrRecord[] = [];
    await subject.adapter.fetchCdrs({ window: { from: middle, to }, onBatch: (batch) => void rest.push(...batch) });
    expect(rest.map(id).sort()).toEqual(truth.filter((c) => c.startedAt >= middle).map(id).sort());
  }, 30_000);

  itClaimed('recordings.download', 'downloads a recording byte for byte', async () => {
    const truth = subject.cdrs().find((c) => c.recordingPath !== null && subject.recording(c.recordingPath) !== undefined);
    expect(truth).toBeDefined();
    const records: CdrRecord[] = [];
    await subject.adapter.fetchCdrs({ window: { from: truth!.startedAt, to: truth!.startedAt }, onBatch: (b) => void records.push(...b) });
    const record = records.find((r) => r.uniqueid === truth!.uniqueid && r.recordingFile !== null)!;
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const { bytes } = await subject.adapter.downloadRecording(record, sink);
    const expected = subject.recording(truth!.recordingPath!)!;
    expect(bytes).toBe(expected.length);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  itClaimed('presence.read', 'reports a peer for every phone', async () => {
    const peers = await subject.adapter.peers();
    const phones = new Set(peers.filter((p) => p.extension !== null).map((p) => p.extension));
    for (const number of subject.extensions()) expect(phones).toContain(number);
  });

  itClaimed('system.health', 'reports the system as reachable, with its uptime where the API reports one', async () => {
    const health = await subject.adapter.health();
    expect(health.reachable).toBe(true);
    expect(health.uptime !== null).toBe(subject.reportsUptime);
  });
});
