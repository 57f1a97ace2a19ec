/*
 * Originate (captures 05, 06, 08, 11, 17): the first leg rings and answers before anything is dialled
 * (click-to-dial), OriginateResponse Success (Reason 4) or Failure (Reason 3 on no answer, with the
 * dial string as Channel and Uniqueid `<unknown>`); Local/<exten>@<context> pairs; the applications a
 * channel can run (MusicOnHold, Wait, Playback, Echo, Park, ChanSpy) and the recorded `apps` context.
 */

import type { CallEngine } from './calls.js';
import { channelBlock, RINGING, UP } from './headers.js';
import type { PendingOriginate, SimChannel } from './model.js';
import * as parkingFlow from './parking.js';

/** Parses an Originate `Channel`; null when the technology is not one the PBX has. */
export function parseDialString(text: string): { tech: 'PJSIP'; endpoint: string } | { tech: 'Local'; exten: string; context: string } | null {
  const pjsip = /^PJSIP\/([^/@,]+)$/i.exec(text);
  if (pjsip) return { tech: 'PJSIP', endpoint: pjsip[1]! };
  const local = /^Local\/([^@/]+)@([^/]+?)(?:\/n)?$/i.exec(text);
  if (local) return { tech: 'Local', exten: local[1]!, context: local[2]! };
  return null;
}

/** Starts an Originate. The outcome arrives as OriginateResponse (async) or `pending.respond`. */
export function originate(engine: CallEngine, pending: PendingOriginate, timeoutMs: number): void {
  const m = engine.m;
  const dial = parseDialString(pending.dialString);
  if (!dial) {
    originateFailed(engine, pending, 0);
    return;
  }
  if (dial.tech === 'Local') {
    const [one, two] = m.newLocalPair(dial.exten, dial.context);
    one.originate = pending;
    one.originated = true;
    if (pending.callerNum !== '' || pending.callerName !== '') m.newCallerid(one, pending.callerNum, pending.callerName);
    m.connectedLine(one, one.connectedNum, one.connectedName);
    two.connectedNum = pending.callerNum;
    two.connectedName = pending.callerName;
    m.newCallerid(two, two.callerNum, two.callerName);
    m.connectedLine(two, pending.callerNum, pending.callerName);
    m.localBridge(one, two);
    m.dialBegin(null, one, `${dial.exten}@${dial.context}`);
    m.openCdr(one, { destination: pending.exten || 's', lastApplication: 'AppDial2', lastData: '(Outgoing Line)' });
    engine.runExten(two, dial.exten, dial.context);
    engine.later(timeoutMs, [one], () => {
      if (one.state === UP || !one.originate) return;
      const p = one.originate;
      one.originate = null;
      originateFailed(engine, p, 3);
      engine.hangupChannel(one, { request: 'none', cause: 19 });
    });
    return;
  }
  const ext = m.extByNumber.get(dial.endpoint);
  if (!ext || !ext.available) {
    originateFailed(engine, pending, 0);
    return;
  }
  const a = m.newPjsip(dial.endpoint);
  a.originate = pending;
  a.originated = true;
  m.openCdr(a, { destination: 's', lastApplication: 'AppDial2', lastData: '(Outgoing Line)' });
  m.dialplan(a, 'AppDial2', '(Outgoing Line)');
  if (pending.callerNum !== '' || pending.callerName !== '') {
    a.cdrs[0]!.source = pending.callerNum;
    a.cdrs[0]!.callerId = pending.callerName ? `"${pending.callerName}" <${pending.callerNum}>` : `<${pending.callerNum}>`;
    m.newCallerid(a, pending.callerNum, pending.callerName);
    m.connectedLine(a, pending.callerNum, pending.callerName);
  }
  m.dialBegin(null, a, dial.endpoint);
  m.newstate(a, RINGING);
  m.dialState(null, a, 'RINGING');
  m.es(dial.endpoint);
  m.qms(dial.endpoint);
  m.dsc(a.device);
  engine.legs.set(a, {
    caller: null,
    target: a,
    onAnswer: () => {
      a.epoch++;
      m.newstate(a, UP);
      m.es(dial.endpoint);
      m.qms(dial.endpoint);
      m.dsc(a.device);
      m.dialEnd(null, a, 'ANSWER');
      originateAnswered(engine, a);
    },
    onFail: () => {
      if (!a.originate) return;
      const p = a.originate;
      a.originate = null;
      originateFailed(engine, p, 1);
    },
  });
  const answerAfter = engine.answerDelay(a);
  if (answerAfter !== null && answerAfter < timeoutMs) engine.later(answerAfter, [a], () => engine.answerLeg(a));
  engine.later(timeoutMs, [a], () => {
    // Capture 08: Failure (reason 3) first, then the leg hangs up with cause 19.
    if (a.state === UP || !a.originate) return;
    engine.legs.delete(a);
    const p = a.originate;
    a.originate = null;
    originateFailed(engine, p, 3);
    engine.m.hangup(a, 19, 480);
  });
}

export function originateFailed(engine: CallEngine, pending: PendingOriginate, reason: number): void {
  if (pending.async) engine.m.originateResponse(pending, { ok: false, reason });
  pending.respond?.(false);
}

export function originateAnswered(engine: CallEngine, a: SimChannel): void {
  const pending = a.originate;
  if (!pending) return;
  a.originate = null;
  if (a.cdrs[0]) {
    a.cdrs[0].answer = engine.m.now();
    a.cdrs[0].disposition = 'ANSWERED';
  }
  if (pending.async) engine.m.originateResponse(pending, { ok: true, channel: a });
  pending.respond?.(true);
  if (pending.application !== '') runApplication(engine, a, pending.application, pending.data, 1);
  else engine.runExten(a, pending.exten, pending.context || 'default');
}

/** The `apps` context of the recorded peer (Local-channel parties for Originate). */
export function runAppsContext(engine: CallEngine, ch: SimChannel, exten: string): void {
  const m = engine.m;
  m.dialplan(ch, 'Answer', '', { exten, priority: 1, context: 'apps' });
  if (ch.state !== UP) engine.answered(ch);
  if (exten === 'talker') {
    m.dialplan(ch, 'Playback', 'tt-monkeys', { priority: 2 });
    engine.later(8000, [ch], () => {
      m.dialplan(ch, 'Playback', 'demo-congrats', { priority: 3 });
      engine.later(6000, [ch], () => appEnded(engine, ch));
    });
  } else if (exten === 'wait') {
    m.dialplan(ch, 'Wait', '30', { priority: 2 });
    engine.later(30000, [ch], () => appEnded(engine, ch));
  } else if (exten === 'moh') {
    m.dialplan(ch, 'MusicOnHold', 'default,30', { priority: 2 });
    m.mohStart(ch);
    engine.later(30000, [ch], () => appEnded(engine, ch));
  } else {
    engine.later(0, [ch], () => appEnded(engine, ch));
  }
}

/** An application runs on an answered channel (Originate with Application, test extensions 800–803). */
export function runApplication(engine: CallEngine, ch: SimChannel, app: string, data: string, priority: number): void {
  const m = engine.m;
  m.dialplan(ch, app, data, { priority });
  const lower = app.toLowerCase();
  const seconds = (text: string | undefined, fallback: number) => {
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const args = data.split(',');
  switch (lower) {
    case 'musiconhold':
      m.mohStart(ch, args[0] || 'default');
      engine.later(seconds(args[1], 3600) * 1000, [ch], () => appEnded(engine, ch));
      return;
    case 'wait':
      engine.later(seconds(args[0], 1) * 1000, [ch], () => appEnded(engine, ch));
      return;
    case 'playback':
      engine.later(3000, [ch], () => appEnded(engine, ch));
      return;
    case 'echo':
      return;
    case 'chanspy':
      startSpy(engine, ch, args[0] ?? '', args[1] ?? '');
      return;
    case 'park':
      parkingFlow.park(engine, ch, null);
      return;
    default:
      // An application the PBX does not have: the channel is hung up.
      engine.later(0, [ch], () => appEnded(engine, ch));
  }
}

/** The channel's dialplan ran out: it hangs up (for a Local half, capture 17's order). */
export function appEnded(engine: CallEngine, ch: SimChannel): void {
  engine.m.mohStop(ch);
  if (ch.bridge) {
    engine.hangupChannel(ch, { request: 'none', cause: 16 });
    return;
  }
  stopSpying(engine, ch);
  engine.finish(ch, ch.tech === 'Local' ? 0 : 16);
}

export function startSpy(engine: CallEngine, spyer: SimChannel, prefix: string, options: string): void {
  const mode = options.includes('B') ? 'barge' : options.includes('w') ? 'whisper' : 'listen';
  spyer.spying = { mode, prefix, spyee: null };
  scanForSpyee(engine, spyer);
}

export function scanForSpyee(engine: CallEngine, spyer: SimChannel): void {
  const spying = spyer.spying;
  if (!spying || !spyer.alive || spying.spyee) return;
  const prefix = spying.prefix;
  for (const ch of engine.m.channels.values()) {
    if (ch === spyer || ch.state !== UP || ch.spying) continue;
    if (!ch.name.startsWith(prefix)) continue;
    spying.spyee = ch;
    engine.m.event('call', 'ChanSpyStart', [...channelBlock(spyer, 'Spyer'), ...channelBlock(ch, 'Spyee')]);
    return;
  }
  // ChanSpy keeps looking for a channel to spy on.
  engine.later(1000, [spyer], () => scanForSpyee(engine, spyer));
}

/** `x` goes away: a spy on it stops, and if `x` was spying, that stops too. */
export function stopSpying(engine: CallEngine, x: SimChannel): void {
  if (x.spying?.spyee) {
    engine.m.event('call', 'ChanSpyStop', [...channelBlock(x, 'Spyer'), ...channelBlock(x.spying.spyee, 'Spyee')]);
    x.spying.spyee = null;
  }
  for (const ch of engine.m.channels.values()) {
    if (ch.spying?.spyee === x) {
      engine.m.event('call', 'ChanSpyStop', [...channelBlock(ch, 'Spyer'), ...channelBlock(x, 'Spyee')]);
      ch.spying.spyee = null;
      const spyer = ch;
      engine.later(1000, [spyer], () => scanForSpyee(engine, spyer));
    }
  }
}
