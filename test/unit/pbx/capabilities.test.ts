import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { PbxAdapter } from '../../../src-main/pbx/adapter.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { CAPABILITY_KEYS, type Capabilities, type CapabilityKey } from '../../../src-shared/domain/pbx.js';
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
};

/** A call per capability an adapter may refuse outright. */
const CALLS: Partial<Record<CapabilityKey, (adapter: PbxAdapter) => Promise<unknown>>> = {
  'ringGroups.read': (a) => a.listRingGroups(),
  'ringGroups.write': (a) => a.deleteRingGroup('600'),
  'callForward.read': (a) => a.getCallForward('100'),
  'callForward.write': (a) => a.setCallForward('100', { always: null, busy: null, noAnswer: null, dnd: false }),
  'config.apply': (a) => a.apply(),
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
