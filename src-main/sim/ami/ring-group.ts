/*
 * Ring group 600 (capture 12): `Dial(Local/101@rg&Local/102@rg&Local/103@rg,15)`. One Local channel
 * pair per member (LocalBridge), each ;2 dials its phone; the first answer wins, the others end with
 * cause 26 "Answered elsewhere"; then the Local pair is optimised away (LocalOptimizationBegin/End)
 * and the caller ends up in the phone's bridge, whose technology turns native_rtp.
 */

import type { CallEngine } from './calls.js';
import { RINGING, UP } from './headers.js';
import type { CdrRecord, SimChannel } from './model.js';

export function ringGroup(engine: CallEngine, caller: SimChannel, beforeDial?: () => void): void {
  const m = engine.m;
  const cfg = m.config.ringGroup;
  const members = cfg.members.filter((x) => m.isExtension(x));
  const seconds = Math.round(cfg.timeoutMs / 1000);
  const dialData = `${members.map((x) => `Local/${x}@rg`).join('&')},${seconds}`;
  m.dialplan(caller, 'NoOp', `Ring group ${cfg.exten} -> ${members.join(',')}`, { exten: cfg.exten, priority: 1, context: 'internal' });
  m.dialplan(caller, 'Dial', dialData, { priority: 2 });
  beforeDial?.();
  const first = caller.cdrCount === 0;
  caller.cdrCount++;
  interface Member {
    ext: string;
    one: SimChannel;
    two: SimChannel;
    phone: SimChannel | null;
    callerCdr: CdrRecord;
    twoCdr: CdrRecord | null;
  }
  const group: Member[] = [];
  let done = false;
  for (const ext of members) {
    const [one, two] = m.newLocalPair(ext, 'rg', caller.linkedid);
    one.plan = caller.plan;
    two.plan = caller.plan;
    m.dialplan(one, 'AppDial', '(Outgoing Line)', { exten: cfg.exten });
    one.connectedNum = caller.callerNum;
    one.connectedName = caller.callerName;
    m.newCallerid(one, cfg.exten, '');
    m.connectedLine(one, caller.callerNum, caller.callerName);
    const callerCdr = m.openCdr(caller, {
      destination: cfg.exten,
      destinationChannel: one.name,
      lastApplication: 'Dial',
      lastData: dialData,
      start: first ? caller.createdAt : m.now(),
    });
    group.push({ ext, one, two, phone: null, callerCdr, twoCdr: null });
  }
  for (const g of group) {
    g.two.connectedNum = cfg.exten;
    g.two.connectedName = '';
    m.newCallerid(g.two, caller.callerNum, caller.callerName);
    m.connectedLine(g.two, cfg.exten, '');
    m.localBridge(g.one, g.two);
    m.dialBegin(caller, g.one, `${g.ext}@rg`);
  }
  for (const g of group) {
    const rgSeconds = Math.round(cfg.timeoutMs / 1000);
    m.dialplan(g.two, 'Dial', `PJSIP/${g.ext},${rgSeconds}`, { exten: g.ext, priority: 1, context: 'rg' });
    g.twoCdr = m.openCdr(g.two, { destination: g.ext, lastApplication: 'Dial', lastData: `PJSIP/${g.ext},${rgSeconds}` });
    const phone = m.extByNumber.get(g.ext);
    if (!phone?.available) continue;
    const p = m.newPjsip(g.ext, { linkedid: caller.linkedid });
    p.plan = caller.plan;
    g.phone = p;
    g.twoCdr.destinationChannel = p.name;
    m.dialplan(p, 'AppDial', '(Outgoing Line)', { exten: g.ext });
    m.connectedLine(p, caller.callerNum, caller.callerName);
    m.dialBegin(g.two, p, g.ext);
    m.connectedLine(g.two, p.callerNum, p.callerName);
  }
  for (const g of group) {
    if (!g.phone) continue;
    m.newstate(g.phone, RINGING);
    // ;1 already shows the member's caller ID when it starts ringing (capture 12).
    g.one.callerNum = g.phone.callerNum;
    g.one.callerName = g.phone.callerName;
    m.newstate(g.one, RINGING);
    m.newCallerid(g.one, g.phone.callerNum, g.phone.callerName);
    m.dialState(caller, g.one, 'RINGING');
    m.dialState(g.two, g.phone, 'RINGING');
    m.es(g.ext);
    m.dsc(g.phone.device);
    m.qms(g.ext);
    m.dsc(g.one.device);
  }

  const losers = (winner: Member | null) => group.filter((g) => g !== winner);
  const dropMember = (g: Member, cause: number, callerStatus: string) => {
    // One member's pair goes away while others may still ring.
    if (g.one.alive) m.dialEnd(caller, g.one, callerStatus);
    if (g.phone?.alive) {
      engine.legs.delete(g.phone);
      m.dialEnd(g.two, g.phone, 'CANCEL');
    }
    if (g.two.alive) m.hangupRequest(g.two, cause);
    if (g.one.alive) m.hangup(g.one, cause);
    if (g.two.alive) {
      m.softHangupRequest(g.two, 16);
      m.hangup(g.two, cause);
    }
    if (g.phone?.alive) m.hangup(g.phone, cause);
  };

  const win = (w: Member) => {
    if (done || !w.phone) return;
    done = true;
    const p = w.phone;
    p.epoch++;
    m.newstate(p, UP);
    m.es(w.ext);
    p.exten = '';
    m.dialEnd(w.two, p, 'ANSWER');
    if (w.twoCdr) {
      w.twoCdr.answer = m.now();
      w.twoCdr.disposition = 'ANSWERED';
    }
    m.newstate(w.two, UP);
    m.qms(w.ext);
    m.dsc(p.device);
    m.newstate(w.one, UP);
    const b1 = m.bridgeCreate();
    m.dialplan(p, 'AppDial', '(Outgoing Line)');
    m.connectedLine(caller, p.callerNum, p.callerName);
    const lost = losers(w);
    for (const g of lost) if (g.one.alive) m.dialEnd(caller, g.one, 'CANCEL');
    for (const g of lost) {
      if (g.two.alive) m.hangupRequest(g.two, 26);
      if (g.one.alive) m.hangup(g.one, 26);
    }
    w.one.exten = '';
    m.dialEnd(caller, w.one, 'ANSWER');
    w.callerCdr.answer = m.now();
    w.callerCdr.disposition = 'ANSWERED';
    if (caller.state !== UP) engine.answered(caller);
    for (const g of lost) {
      if (g.phone?.alive) {
        engine.legs.delete(g.phone);
        m.dialEnd(g.two, g.phone, 'CANCEL');
      }
      if (g.two.alive) m.softHangupRequest(g.two, 16);
      if (g.two.alive) m.hangup(g.two, 26);
      if (g.phone?.alive) m.hangup(g.phone, 26);
    }
    m.bridgeEnter(b1, p);
    m.bridgeEnter(b1, w.two);
    for (const g of lost) {
      m.dsc(g.phone?.device ?? `PJSIP/${g.ext}`);
      m.dsc(g.one.device);
    }
    for (const g of lost) {
      m.es(g.ext);
      m.qms(g.ext);
    }
    m.avail();
    const b2 = m.bridgeCreate();
    m.dialplan(w.one, 'AppDial', '(Outgoing Line)');
    m.bridgeEnter(b2, w.one);
    m.bridgeEnter(b2, caller);
    m.endStep();
    // The Local pair is optimised away: the caller moves into the phone's bridge.
    const id = engine.optimizationId++;
    m.localOptimizationBegin(w.one, w.two, caller, w.two, id);
    m.bridgeLeave(b2, caller);
    m.bridgeLeave(b1, w.two);
    m.bridgeEnter(b1, caller, w.two);
    m.localOptimizationEnd(w.one, w.two, false, id);
    m.softHangupRequest(w.two, 16);
    m.hangupRequest(w.one, 16);
    m.hangup(w.two, 16);
    m.bridgeLeave(b2, w.one);
    m.hangup(w.one, 16);
    m.bridgeDestroy(b2);
    b1.technology = 'native_rtp';
    m.dsc(w.one.device);
    p.dialedBy = caller;
    m.openCdr(caller, {
      destination: m.config.ringGroup.exten,
      destinationChannel: p.name,
      lastApplication: 'Dial',
      lastData: dialData,
      answer: m.now(),
      disposition: 'ANSWERED',
    });
    engine.bridged(caller, p);
  };

  for (const g of group) {
    if (!g.phone) continue;
    const phone = g.phone;
    engine.legs.set(phone, {
      caller: g.two,
      target: phone,
      onAnswer: () => win(g),
      onFail: () => {
        // This member rejected: its pair ends, the others keep ringing.
        if (g.one.alive) m.dialEnd(caller, g.one, 'NOANSWER');
        if (g.two.alive) {
          m.softHangupRequest(g.two, 16);
          m.hangup(g.two, 16);
        }
        if (g.one.alive) m.hangup(g.one, 16);
        if (!done && group.every((x) => !x.one.alive)) engine.dialFailed(caller, 'NOANSWER');
      },
    });
    const delay = engine.answerDelay(phone);
    if (delay !== null && delay < cfg.timeoutMs) engine.later(delay, [caller, phone], () => engine.answerLeg(phone));
  }
  if (group.every((g) => !g.phone)) {
    // No member can ring at all.
    for (const g of group) dropMember(g, 16, 'CHANUNAVAIL');
    engine.dialFailed(caller, 'CHANUNAVAIL');
    return;
  }
  engine.later(cfg.timeoutMs, [caller], () => {
    if (done) return;
    done = true;
    for (const g of group) dropMember(g, 0, 'NOANSWER');
    engine.dialFailed(caller, 'NOANSWER');
  });
}
