import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { PbxAdapter } from '../../../src-main/pbx/adapter.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { SarkAdapter } from '../../../src-main/pbx/sark/sark-adapter.js';
import { IssabelAdapter } from '../../../src-main/pbx/issabel/issabel-adapter.js';
import { CAPABILITY_KEYS, type Capabilities, type CapabilityKey, type CdrRecord } from '../../../src-shared/domain/pbx.js';
import { en } from '../../../src-renderer/i18n/en.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * Capabilities are what the UI shows and what main enforces: every key answered, every reason and
 * note a catalogue text a person can read, and an adapter refusing what it says it cannot do with
 * that same reason.
 */

const adapters = {
  elastix: new ElastixAdapter({ http: new HttpClient({ baseUrl: 'http://127.0.0.1:9/api/api.php', pinnedFingerprint256: null, logger: new MemoryLogger() }), key: 'k', timeZone: 'UTC' }),
  issabel: new IssabelAdapter({ http: new HttpClient({ baseUrl: 'http://127.0.0.1:9/pbxapi', pinnedFingerprint256: null, logger: new MemoryLogger() }), user: 'admin', password: 'p' }),
  sark: new SarkAdapter({ http: new HttpClient({ baseUrl: 'http://127.0.0.1:9/api', pinnedFingerprint256: null, logger: new MemoryLogger() }), credentials: null, timeZone: 'UTC' }),
};

const RECORD: CdrRecord = {
  key: 'k', uniqueid: '1.1', linkedid: null, startedAt: 0, answeredAt: null, endedAt: null, src: '100', dst: '101', callerName: '', context: '', channel: '',
  dstChannel: '', lastApp: '', durationS: 0, billS: 0, disposition: 'answered', recordingFile: 'call.wav',
};

/** A call per capability an adapter may refuse outright. */
const CALLS: Partial<Record<CapabilityKey, (adapter: PbxAdapter) => Promise<unknown>>> = {
  'ringGroups.read': (a) => a.listRingGroups(),
  'ringGroups.write': (a) => a.deleteRingGroup('600'),
  'callForward.read': (a) => a.getCallForward('100'),
  'callForward.write': (a) => a.setCallForward('100', { always: null, busy: null, noAnswer: null, dnd: false }),
  'config.apply': (a) => a.apply(),
  'followMe.read': (a) => a.getFollowMe('100'),
  'followMe.write': (a) => a.setFollowMe('100', null),
  'cdr.fetch': (a) => a.fetchCdrs({ window: { from: 0, to: 1000 }, onBatch: () => undefined }),
  'recordings.download': (a) => a.downloadRecording(RECORD, new PassThrough()),
  'presence.read': (a) => a.peers(),
};

function texts(capabilities: Capabilities): string[] {
  return Object.values(capabilities).flatMap((c) => (c.via === 'none' ? [c.reason] : c.note === null ? [] : [c.note]));
}

describe.each(Object.entries(adapters))('%s capabilities', (_vendor, adapter) => {
  it('answer every capability, with reasons and notes from the catalogue', () => {
    const capabilities = adapter.capabilities();
    expect(Object.keys(capabilities).sort()).toEqual([...CAPABILITY_KEYS].sort());
    for (const key of texts(capabilities)) expect(en).toHaveProperty([key]);
  });

  it('refuse what they say they cannot do, with the same reason, without touching the network', async () => {
    const capabilities = adapter.capabilities();
    const refused = Object.entries(CALLS).filter(([key]) => capabilities[key as CapabilityKey].via !== 'api');
    expect(refused.length).toBeGreaterThan(0);
    for (const [key, call] of refused) {
      const capability = capabilities[key as CapabilityKey];
      const error = await rejection(call(adapter));
      expect(error.code).toBe('NOT_SUPPORTED');
      expect(error.details).toEqual({ capability: key, reason: capability.via === 'none' ? capability.reason : 'capability.reason.viaAmi' });
    }
  });
});
