import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { PbxAdapter } from '../../../src-main/pbx/adapter.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { ELASTIX_CAPABILITIES } from '../../../src-main/pbx/elastix/elastix-capabilities.js';
import { startElastixSimulator } from '../../../src-main/sim/elastix/index.js';
import type { Capabilities, CapabilityKey, CdrRecord, FollowMe } from '../../../src-shared/domain/pbx.js';
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
  /** Every CDR row the API can return (the vendor's own exclusions applied). */
  cdrs(): TruthCdr[];
  recording(path: string): Buffer | undefined;
  /** Requests the simulator received so far. */
  requests(): number;
  close(): Promise<void>;
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
  };
}

/** Each vendor: what its adapter claims (known before anything starts), and how to start it on its simulator. */
const SUBJECTS: Record<string, { capabilities: Capabilities; start: () => Promise<Subject> }> = {
  elastix: { capabilities: ELASTIX_CAPABILITIES, start: startElastix },
};

describe.each(Object.keys(SUBJECTS))('%s adapter behaviour', (vendor) => {
  let subject: Subject;
  // Only what the adapter claims through its API is exercised; the rest it must refuse (capabilities.test.ts).
  const claims = (key: CapabilityKey) => SUBJECTS[vendor].capabilities[key].via === 'api';
  const itClaimed = (key: CapabilityKey, name: string, fn: () => Promise<void>, timeout?: number) => {
    if (claims(key)) it(name, fn, timeout);
  };

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
    const created = await subject.adapter.createExtension(number, { name: 'Zoé Behaviour', secret: 'S3cret-3999' });
    expect(created).toMatchObject({ number, name: 'Zoé Behaviour', secret: 'S3cret-3999' });
    expect(subject.extensions()).toContain(number);
    expect((await rejection(subject.adapter.createExtension(number, { name: 'Again' }))).code).toBe('CONFLICT');

    const fetched = await subject.adapter.getExtension(number);
    expect(fetched).toEqual(created);

    const updated = await subject.adapter.updateExtension(number, { name: 'Zoé Renamed' });
    expect(updated.name).toBe('Zoé Renamed');
    // The secret and every vendor field the update did not name are still what they were.
    expect(updated.secret).toBe('S3cret-3999');
    expect({ ...updated.fields, callerid: '' }).toEqual({ ...created.fields, callerid: '' });

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

  itClaimed('cdr.fetch', 'syncs call history without a gap or a duplicate, however the windows are split', async () => {
    const truth = subject.cdrs();
    const from = Math.min(...truth.map((c) => c.startedAt));
    const to = Math.max(...truth.map((c) => c.startedAt));
    const before = subject.requests();
    const got: CdrRecord[] = [];
    const delivered = await subject.adapter.fetchCdrs({ window: { from, to }, onBatch: (batch) => void got.push(...batch) });
    expect(delivered).toBe(got.length);
    const id = (c: { uniqueid: string; dst: string; startedAt: number }) => `${c.uniqueid}|${c.dst}|${c.startedAt}`;
    expect(got.map(id).sort()).toEqual(truth.map(id).sort());
    expect(new Set(got.map((c) => c.key)).size).toBe(got.length);
    // More rows than one answer holds: the adapter had to ask in several windows.
    expect(subject.requests() - before).toBeGreaterThan(truth.length / 100);

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

  itClaimed('system.health', 'reports the system as reachable, with its uptime', async () => {
    const health = await subject.adapter.health();
    expect(health.reachable).toBe(true);
    expect(health.uptime).not.toBeNull();
  });
});
