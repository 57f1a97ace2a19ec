import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import {
  condensedSequence,
  parseWithAsteriskManager,
  recordedConnections,
  recordedMessages,
  recordedScenarios,
  transcriptBytes,
} from '../../support/ami-transcripts.js';

/** What asterisk-manager hands to 'managerevent' or 'response' listeners (NOTES §10): events, and responses with an ActionID. */
function delivered(message: AmiEvent): boolean {
  return typeof message.event === 'string' || (typeof message.response === 'string' && message.actionid !== undefined);
}

/**
 * The bytes one asterisk-manager instance read. The jsonl numbers instances, not sockets: in 16 the
 * instance of connection 1 reconnected by itself, so its messages span `.ami` and `.conn2.ami`.
 */
function bytesReadBy(scenario: string, conn: number): Buffer {
  if (scenario === '16-reconnect' && conn === 1) return Buffer.concat([transcriptBytes(scenario, 1), transcriptBytes(scenario, 2)]);
  return transcriptBytes(scenario, conn);
}

const CONNECTIONS = recordedScenarios().flatMap((scenario) => recordedConnections(scenario).map((conn) => [scenario, conn] as const));

describe('the recorded parses (.events.jsonl) are what asterisk-manager makes of the .ami bytes', () => {
  it('covers every scenario with a recorded parse', () => {
    expect(CONNECTIONS.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CONNECTIONS)('%s, connection %i', async (scenario, conn) => {
    const parsed = await parseWithAsteriskManager(bytesReadBy(scenario, conn));
    const recorded = recordedMessages(scenario, conn)
      .map((m) => m.message)
      .filter(delivered);
    expect(recorded.length).toBeGreaterThan(0);
    expect(parsed).toEqual(recorded);
  });
});

describe('condensedSequence', () => {
  it('reads the event lines of a scenario with their key fields, and no responses', () => {
    const events = condensedSequence('13-queue');
    const join = events.find((e) => e.message.event === 'QueueCallerJoin');
    expect(join?.message).toMatchObject({ channel: 'PJSIP/100-00000015', queue: 'support', channelstatedesc: 'Up' });
    expect(join?.t).toBe(437);
    expect(events.every((e) => typeof e.message.event === 'string' && e.message.response === undefined)).toBe(true);
  });
});
