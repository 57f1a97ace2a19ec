/*
 * Queue 700 `support` (capture 13): Answer, QueueCallerJoin and music on hold, ringall over the idle
 * members (AgentCalled, DialBegin), the first to answer gets AgentConnect and the bridge, the others
 * are cancelled with cause 26; AgentComplete when the call ends. timeout=6, retry=1, Queue(…,20).
 */

import type { CallEngine } from './calls.js';
import { channelBlock, type Headers, RINGING, UP } from './headers.js';
import type { CdrRecord, SimChannel } from './model.js';

export function queue(engine: CallEngine, caller: SimChannel, beforeDial?: () => void): void {
  const m = engine.m;
  const q = m.config.queue;
  m.dialplan(caller, 'Answer', '', { exten: q.exten, priority: 1, context: 'internal' });
  if (caller.endpoint) m.es(caller.endpoint);
  if (caller.state !== UP) engine.answered(caller);
  m.dsc(caller.device);
  m.dialplan(caller, 'Queue', `${q.name},t,,,20`, { priority: 2 });
  beforeDial?.();
  caller.cdrCount++;
  m.queueWaiting.push(caller);
  caller.inQueue = true;
  const joinedAt = m.now();
  m.queueDevice();
  m.event('agent', 'QueueCallerJoin', [
    ...channelBlock(caller),
    ['Queue', q.name],
    ['Position', String(m.queueWaiting.length)],
    ['Count', String(m.queueWaiting.length)],
  ]);
  m.mohStart(caller);
  const cdr = m.openCdr(caller, { destination: q.exten, lastApplication: 'Queue', lastData: `${q.name},t,,,20`, start: caller.createdAt, answer: m.now() });
  ringQueueMembers(engine, caller, joinedAt, cdr);
  // Queue(support,t,,,20): after 20 s the caller leaves the queue and the dialplan hangs up.
  engine.later(20000, [caller], () => {
    if (!caller.inQueue) return;
    for (const t of [...caller.dialing]) {
      engine.legs.delete(t);
      m.dialEnd(caller, t, 'CANCEL');
      m.hangup(t, 0);
    }
    leaveQueue(engine, caller, false);
    m.mohStop(caller);
    m.dialplan(caller, 'Hangup', '', { priority: 3 });
    m.softHangupRequest(caller, 16);
    engine.finish(caller, 16);
  });
}

/** The headers every Agent* event starts with: caller, member leg (`Dest`), queue and member (app_queue). */
function agentBlock(engine: CallEngine, caller: SimChannel, memberLeg: SimChannel, member: string): Headers {
  const m = engine.m;
  return [
    ...channelBlock(caller),
    ...channelBlock(memberLeg, 'Dest'),
    ['Queue', m.config.queue.name],
    ['Interface', `PJSIP/${member}`],
    ['MemberName', m.extByNumber.get(member)?.name ?? member],
  ];
}

export function ringQueueMembers(engine: CallEngine, caller: SimChannel, joinedAt: number, cdr: CdrRecord): void {
  const m = engine.m;
  const q = m.config.queue;
  if (!caller.alive || !caller.inQueue) return;
  // ringall, ringinuse=no: every idle member rings.
  const free = q.members.filter((x) => m.deviceState(`PJSIP/${x}`) === 'NOT_INUSE');
  if (free.length === 0) {
    engine.later(1000, [caller], () => ringQueueMembers(engine, caller, joinedAt, cdr));
    return;
  }
  const phones: SimChannel[] = [];
  for (const ext of free) {
    const p = m.newPjsip(ext, { linkedid: caller.linkedid });
    p.plan = caller.plan;
    phones.push(p);
    m.event('agent', 'AgentCalled', agentBlock(engine, caller, p, ext));
    m.dialBegin(caller, p, ext);
  }
  for (const p of phones) {
    m.dialplan(p, 'AppDial', '(Outgoing Line)', { exten: q.exten });
    m.newstate(p, RINGING);
    m.connectedLine(p, caller.callerNum, caller.callerName);
  }
  for (const p of [...phones].reverse()) m.dialState(caller, p, 'RINGING');
  for (const p of phones) {
    m.es(p.endpoint!);
    m.dsc(p.device);
    m.qms(p.endpoint!);
  }
  m.avail();

  let answered = false;
  const ringStarted = m.now();
  const ringMs = q.memberTimeoutMs;
  for (const p of phones) {
    engine.legs.set(p, {
      caller,
      target: p,
      onAnswer: () => {
        if (answered) return;
        answered = true;
        p.epoch++;
        m.newstate(p, UP);
        m.dialEnd(caller, p, 'ANSWER');
        const lost = phones.filter((o) => o !== p && o.alive);
        for (const o of lost) {
          engine.legs.delete(o);
          m.dialEnd(caller, o, 'CANCEL');
        }
        m.connectedLine(caller, p.callerNum, p.callerName);
        m.mohStop(caller);
        m.es(p.endpoint!);
        for (const o of lost) m.hangup(o, 26);
        m.dsc(p.device);
        for (const o of lost) {
          m.es(o.endpoint!);
          m.dsc(o.device);
        }
        leaveQueue(engine, caller, false);
        const stats = m.queueStats.get(p.endpoint!);
        if (stats) stats.inCall = true;
        m.qms(p.endpoint!);
        for (const o of lost) m.qms(o.endpoint!);
        m.avail();
        const holdTime = Math.floor((m.now() - joinedAt) / 1000);
        m.event('agent', 'AgentConnect', [
          ...agentBlock(engine, caller, p, p.endpoint!),
          ['HoldTime', String(holdTime)],
          ['RingTime', String(Math.floor((m.now() - ringStarted) / 1000))],
        ]);
        const queueCall = { caller, member: p.endpoint!, joinedAt, answeredAt: m.now() };
        caller.queueCall = queueCall;
        p.queueCall = queueCall;
        cdr.destinationChannel = p.name;
        cdr.disposition = 'ANSWERED';
        const b = m.bridgeCreate();
        m.bridgeEnter(b, p);
        m.bridgeEnter(b, caller);
        engine.bridged(caller, p);
      },
      onFail: () => {
        if (!answered && caller.dialing.size === 0) engine.later(1000, [caller], () => ringQueueMembers(engine, caller, joinedAt, cdr));
      },
    });
    const delay = engine.answerDelay(p);
    if (delay !== null && delay < ringMs) engine.later(delay, [caller, p], () => engine.answerLeg(p));
  }
  // timeout=6, retry=1: unanswered members stop ringing, the queue tries again a second later.
  engine.later(ringMs, [caller], () => {
    if (answered) return;
    for (const p of phones) {
      if (!p.alive || p.state !== RINGING) continue;
      engine.legs.delete(p);
      m.event('agent', 'AgentRingNoAnswer', [
        ...agentBlock(engine, caller, p, p.endpoint!),
        ['RingTime', String(Math.floor(ringMs / 1000))],
      ]);
      m.dialEnd(caller, p, 'NOANSWER');
      m.hangup(p, 0);
    }
    engine.later(1000, [caller], () => ringQueueMembers(engine, caller, joinedAt, cdr));
  });
}

export function leaveQueue(engine: CallEngine, caller: SimChannel, abandoned: boolean): void {
  const m = engine.m;
  const q = m.config.queue;
  const position = m.queueWaiting.indexOf(caller) + 1;
  if (position > 0) m.queueWaiting.splice(position - 1, 1);
  caller.inQueue = false;
  m.queueDevice();
  if (abandoned) {
    m.queueAbandoned++;
    m.event('agent', 'QueueCallerAbandon', [
      ...channelBlock(caller),
      ['Queue', q.name],
      ['Position', String(Math.max(position, 1))],
      ['OriginalPosition', String(Math.max(position, 1))],
      ['HoldTime', String(Math.floor((m.now() - caller.createdAt) / 1000))],
    ]);
  }
  m.event('agent', 'QueueCallerLeave', [
    ...channelBlock(caller),
    ['Queue', q.name],
    ['Count', String(m.queueWaiting.length)],
    ['Position', String(Math.max(position, 1))],
  ]);
}

/** A queue call ends or moves on: AgentComplete, once for the pair. */
export function agentComplete(engine: CallEngine, ch: SimChannel, reason: 'agent' | 'caller'): void {
  const call = ch.queueCall;
  if (!call) return;
  const member = call.caller === ch ? engine.m.peers(ch).find((p) => p.queueCall === call) : ch;
  if (!member) {
    ch.queueCall = null;
    return;
  }
  agentCompleteFor(engine, call.caller, member, reason);
}

export function agentCompleteFor(engine: CallEngine, caller: SimChannel, member: SimChannel, reason: 'agent' | 'caller'): void {
  const m = engine.m;
  const call = caller.queueCall!;
  caller.queueCall = null;
  member.queueCall = null;
  const stats = m.queueStats.get(call.member);
  if (stats) {
    stats.callsTaken++;
    stats.lastCall = m.now();
    stats.inCall = false;
  }
  m.queueCompleted++;
  m.event('agent', 'AgentComplete', [
    ...agentBlock(engine, caller, member, call.member),
    ['HoldTime', String(Math.floor((call.answeredAt - call.joinedAt) / 1000))],
    ['TalkTime', String(Math.floor((m.now() - call.answeredAt) / 1000))],
    ['Reason', reason],
  ]);
}
