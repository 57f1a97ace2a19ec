/*
 * Call flows of the demo PBX, written after the recorded Asterisk 22 streams (NOTES.md §5): every
 * flow is a sequence of model primitives in the order the recordings show, split into steps that the
 * clock runs when the phones would act (ring, answer, hang up). Scheduled steps guard themselves with
 * the channels' `epoch`, so an AMI action that changes a call (hangup, redirect, transfer, park)
 * simply makes the old plan's steps do nothing.
 *
 * Recorded references: 06 (click-to-dial), 07 (phone calls phone), 08 (originate not answered),
 * 09 (Dial timeout), 10/10b (Redirect, BlindTransfer), 11 (AMI Hangup), 12 (ring group of Local
 * channels), 13 (queue), 15 (AstDB call forward), 17 (Local originate running Wait).
 */

import type { Clock } from './clock.js';
import { APP_HANGUP, type HangupHow, REMOTE } from './hangups.js';
import { RING, RINGING, UP } from './headers.js';
import type { CallPlan, CallStep, CdrRecord, PbxModel, PendingOriginate, SimBridge, SimChannel } from './model.js';
import * as originateFlow from './originate.js';
import * as parkingFlow from './parking.js';
import * as queueFlow from './queue.js';
import * as ringGroupFlow from './ring-group.js';
import * as transferFlow from './transfers.js';

export type { HangupHow } from './hangups.js';

export interface DialLeg {
  caller: SimChannel | null;
  target: SimChannel;
  onAnswer: () => void;
  onFail: (status: string) => void;
}

/** Dial() clears these before it starts (capture 06). */
const DIAL_VARIABLES = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

const TEST_APPS: Readonly<Record<string, { app: string; data: string; seconds: number | null; moh?: boolean }>> = {
  '800': { app: 'Echo', data: '', seconds: null },
  '801': { app: 'Playback', data: 'demo-congrats', seconds: 6 },
  '802': { app: 'Wait', data: '30', seconds: 30 },
  '803': { app: 'MusicOnHold', data: 'default,30', seconds: 30, moh: true },
};

/**
 * The call engine: dialplan, Dial(), hangups and the scripted steps of synthetic calls; the other
 * flows live beside it (ring-group.ts, queue.ts, originate.ts, transfers.ts, parking.ts) and use the
 * members below that are not marked private. Actions and traffic use the public façade at the end.
 */
export class CallEngine {
  /** Ringing outgoing legs, by the ringing channel. */
  readonly legs = new Map<SimChannel, DialLeg>();
  optimizationId = 0;

  constructor(
    readonly m: PbxModel,
    readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- scheduling

  /** Runs `fn` as one PBX step now: presence and CDRs are flushed after it. */
  step(fn: () => void): void {
    try {
      fn();
    } finally {
      this.m.endStep();
    }
  }

  /** A step `ms` from now that runs only if every guard channel is still alive and doing the same thing. */
  later(ms: number, guards: SimChannel[], fn: () => void): void {
    const epochs = guards.map((c) => c.epoch);
    this.clock.after(ms, () => {
      for (let i = 0; i < guards.length; i++) if (!guards[i]!.alive || guards[i]!.epoch !== epochs[i]) return;
      this.step(fn);
    });
  }

  // ---------------------------------------------------------------- phones

  answerDelay(ch: SimChannel): number | null {
    const ext = ch.endpoint === null ? undefined : this.m.extByNumber.get(ch.endpoint);
    if (!ext || !ext.available) return null;
    const planned = ch.plan?.answer[ext.exten];
    return planned === undefined ? ext.answerAfterMs : planned;
  }

  phoneHangupDelay(ch: SimChannel): number | null {
    if (ch.tech !== 'PJSIP' || ch.endpoint === null) return null;
    return this.m.extByNumber.get(ch.endpoint)?.hangupAfterMs ?? null;
  }

  // ---------------------------------------------------------------- calls from phones

  /** A phone (or the trunk) dials `to`: capture 07 from `Newchannel … State Ring` on. */
  inbound(options: { from: string; to: string; callerNum?: string; callerName?: string; plan?: CallPlan }): SimChannel {
    const caller = this.m.newPjsip(options.from, {
      state: RING,
      exten: options.to,
      callerNum: options.callerNum,
      callerName: options.callerName,
    });
    if (options.plan) caller.plan = { ...options.plan, answer: { ...options.plan.answer }, steps: [...options.plan.steps] };
    const first = caller.plan?.steps[0];
    if (first?.action === 'hangup' && first.by === 'caller') {
      // A caller who hangs up that long after dialling gives up if nobody has answered yet.
      this.later(first.afterMs, [caller], () => {
        if (caller.bridge || (caller.dialing.size === 0 && !caller.inQueue)) return;
        caller.plan?.steps.shift();
        this.hangupChannel(caller, REMOTE);
      });
    }
    this.runExten(caller, options.to, 'internal');
    return caller;
  }

  /** The dialplan: what happens when `ch` enters `exten@context`. */
  runExten(ch: SimChannel, exten: string, context: string, beforeDial?: () => void, depth = 0): void {
    const cfg = this.m.config;
    if (context === 'apps') {
      beforeDial?.();
      originateFlow.runAppsContext(this, ch, exten);
      return;
    }
    const space = Number(exten);
    if ((context === cfg.parking.context || context === 'internal') && space >= cfg.parking.first && space <= cfg.parking.last) {
      beforeDial?.();
      parkingFlow.retrieveParked(this, ch, space);
      return;
    }
    if (context === 'internal' || context === 'rg') {
      if (this.m.isExtension(exten)) return this.dialExtension(ch, exten, beforeDial, depth);
      if (exten === cfg.ringGroup.exten) return ringGroupFlow.ringGroup(this, ch, beforeDial);
      if (exten === cfg.queue.exten) return queueFlow.queue(this, ch, beforeDial);
      const test = TEST_APPS[exten];
      if (test) {
        beforeDial?.();
        this.m.dialplan(ch, 'Answer', '', { exten, priority: 1, context });
        if (ch.state !== UP) this.answered(ch);
        originateFlow.runApplication(this, ch, test.app, test.data, 2);
        return;
      }
    }
    beforeDial?.();
    // No such extension: Asterisk gives up on the channel.
    ch.exten = exten;
    ch.context = context;
    this.hangupChannel(ch, { request: 'soft', cause: 1 });
  }

  /** `_10X`: call-forward lookup, MixMonitor, Dial(PJSIP/<ext>,10) (captures 07, 10, 15). */
  private dialExtension(ch: SimChannel, ext: string, beforeDial: (() => void) | undefined, depth: number): void {
    const m = this.m;
    m.dialplan(ch, 'NoOp', `Call to ${ext} from ${callerAll(ch)}`, { exten: ext, priority: 1, context: 'internal' });
    const forward = m.astdb.get(`CF/${ext}`);
    if (forward !== undefined && forward !== ext && depth < 5) {
      m.dialplan(ch, 'GotoIf', '1?forward', { priority: 2 });
      m.dialplan(ch, 'NoOp', `Forwarding ${ext} to ${forward}`, { priority: 8 });
      m.dialplan(ch, 'Goto', `internal,${forward},1`, { priority: 9 });
      this.runExten(ch, forward, 'internal', beforeDial, depth + 1);
      return;
    }
    m.dialplan(ch, 'GotoIf', '0?forward', { priority: 2 });
    // Not in the recorded dialplan: FreePBX-style DND, busy and unavailable forwards from AstDB.
    if (m.astdb.has(`DND/${ext}`)) {
      beforeDial?.();
      m.dialplan(ch, 'Busy', '', { priority: 3 });
      this.later(1000, [ch], () => this.hangupChannel(ch, { request: 'soft', cause: 17 }));
      return;
    }
    const state = m.deviceState(`PJSIP/${ext}`);
    const busyForward = m.astdb.get(`CFB/${ext}`);
    const unavailForward = m.astdb.get(`CFU/${ext}`);
    const divert = state === 'UNAVAILABLE' ? unavailForward : state === 'INUSE' || state === 'RINGINUSE' || state === 'BUSY' ? busyForward : undefined;
    if (divert !== undefined && divert !== ext && depth < 5) {
      m.dialplan(ch, 'Goto', `internal,${divert},1`, { priority: 3 });
      this.runExten(ch, divert, 'internal', beforeDial, depth + 1);
      return;
    }
    const file = `${stamp(m.now())}-${ch.callerNum}-${ext}-${ch.uniqueid}.wav`;
    m.dialplan(ch, 'Set', `CDR(recordingfile)=${file}`, { priority: 3 });
    m.dialplan(ch, 'MixMonitor', `/var/spool/asterisk/monitor/${file},b`, { priority: 4 });
    m.varset(ch, 'MIXMONITOR_FILENAME', `/var/spool/asterisk/monitor/${file}`);
    m.mixMonitorStart(ch);
    const seconds = Math.round(m.config.dialTimeoutMs / 1000);
    m.dialplan(ch, 'Dial', `PJSIP/${ext},${seconds}`, { priority: 5 });
    for (const variable of DIAL_VARIABLES) m.varset(ch, variable, '');
    beforeDial?.();
    this.dialPhone(ch, ext, m.config.dialTimeoutMs, `PJSIP/${ext},${seconds}`);
  }

  /** The caller's CDR row for a Dial(): the first one starts with the channel, later ones now. */
  private dialCdr(caller: SimChannel, destination: string, lastData: string): CdrRecord {
    const first = caller.cdrCount === 0;
    caller.cdrCount++;
    const placeholder = caller.cdrs.find((c) => c.lastApplication === 'AppDial2');
    if (placeholder) {
      Object.assign(placeholder, { destination, lastApplication: 'Dial', lastData, destinationContext: caller.context });
      return placeholder;
    }
    const now = this.m.now();
    return this.m.openCdr(caller, {
      destination,
      lastApplication: 'Dial',
      lastData,
      start: first ? caller.createdAt : now,
      answer: first || caller.state !== UP ? null : now,
    });
  }

  /** Dial(PJSIP/<ext>) from `caller` to one phone. */
  dialPhone(caller: SimChannel, ext: string, timeoutMs: number, lastData: string): void {
    const m = this.m;
    const cdr = this.dialCdr(caller, caller.exten === 's' ? ext : caller.exten, lastData);
    const phone = m.extByNumber.get(ext);
    if (!phone || !phone.available) {
      cdr.disposition = 'FAILED';
      m.varset(caller, 'DIALSTATUS', 'CHANUNAVAIL');
      this.dialFailed(caller, 'CHANUNAVAIL');
      return;
    }
    const variant = caller.originated ? 'originate' : 'phone';
    const target = m.newPjsip(ext, { linkedid: caller.linkedid });
    target.plan = caller.plan;
    cdr.destinationChannel = target.name;
    m.varset(target, 'DIALEDPEERNUMBER', ext);
    target.connectedNum = caller.callerNum;
    target.connectedName = caller.callerName;
    m.dialplan(target, 'AppDial', '(Outgoing Line)', { exten: ext });
    m.connectedLine(target, caller.callerNum, caller.callerName);
    if (variant === 'originate') {
      // Capture 06: the phone is already ringing when DialBegin is published.
      m.newstate(target, RINGING);
      m.dialBegin(caller, target, ext);
      m.connectedLine(caller, target.callerNum, target.callerName);
      m.es(ext);
      m.dsc(target.device);
      m.qms(ext);
      m.avail();
    } else {
      // Capture 07.
      m.dialBegin(caller, target, ext);
      m.connectedLine(caller, target.callerNum, target.callerName);
      m.newstate(target, RINGING);
      m.es(ext);
      m.qms(ext);
    }
    const dialStarted = m.now();
    m.varset(caller, 'RINGTIME', '0');
    m.varset(caller, 'RINGTIME_MS', '1');
    m.dialState(caller, target, 'RINGING');

    const leg: DialLeg = {
      caller,
      target,
      onAnswer: () => {
        target.epoch++;
        m.newstate(target, UP);
        target.exten = '';
        if (cdr.answer === null) cdr.answer = m.now();
        cdr.disposition = 'ANSWERED';
        caller.dialStartedAt = dialStarted;
        caller.dialAnsweredAt = m.now();
        let bridge: SimBridge;
        const dialResult = () => {
          m.varset(caller, 'DIALSTATUS', 'ANSWER');
          m.varset(caller, 'DIALEDPEERNAME', target.name);
          m.varset(caller, 'DIALEDPEERNUMBER', ext);
        };
        if (variant === 'originate') {
          dialResult();
          m.dialEnd(caller, target, 'ANSWER');
          if (caller.state !== UP) this.answered(caller);
          bridge = m.bridgeCreate();
          m.es(ext);
        } else {
          m.es(ext);
          m.dsc(target.device);
          dialResult();
          m.dialEnd(caller, target, 'ANSWER');
          m.qms(ext);
          if (caller.state !== UP) this.answered(caller);
          bridge = m.bridgeCreate();
        }
        m.dialplan(target, 'AppDial', '(Outgoing Line)');
        m.bridgeEnter(bridge, target);
        m.bridgeEnter(bridge, caller);
        m.varset(target, 'BRIDGEPEER', caller.name);
        m.dsc(target.device);
        m.qms(ext);
        m.varset(caller, 'BRIDGEPEER', target.name);
        this.bridged(caller, target);
      },
      onFail: (status) => {
        cdr.disposition = status === 'BUSY' ? 'BUSY' : 'NO ANSWER';
        this.dialFailed(caller, status, target);
      },
    };
    this.legs.set(target, leg);
    const answerAfter = this.answerDelay(target);
    if (answerAfter !== null && answerAfter < timeoutMs) this.later(answerAfter, [caller, target], () => this.answerLeg(target));
    this.later(timeoutMs, [caller, target], () => {
      // Capture 09: Dial's own timeout; the phone's leg ends with cause 0.
      if (target.state !== RINGING) return;
      this.legs.delete(target);
      m.dialEnd(caller, target, 'NOANSWER');
      m.varset(caller, 'DIALSTATUS', 'NOANSWER');
      m.hangup(target, 0);
      cdr.disposition = 'NO ANSWER';
      this.dialFailed(caller, 'NOANSWER', target);
    });
  }

  /** The Dial() variables set when the dialled call ends (capture 06). */
  private dialTimes(caller: SimChannel): void {
    if (caller.dialStartedAt === null || caller.dialAnsweredAt === null) return;
    const now = this.m.now();
    const answered = now - caller.dialAnsweredAt;
    const dialed = now - caller.dialStartedAt;
    this.m.varset(caller, 'ANSWEREDTIME', String(Math.floor(answered / 1000)));
    this.m.varset(caller, 'ANSWEREDTIME_MS', String(answered));
    this.m.varset(caller, 'DIALEDTIME', String(Math.floor(dialed / 1000)));
    this.m.varset(caller, 'DIALEDTIME_MS', String(dialed));
    this.m.varset(caller, 'DIALSTATUS', 'ANSWER');
    caller.dialStartedAt = null;
    caller.dialAnsweredAt = null;
  }

  answerLeg(target: SimChannel): void {
    const leg = this.legs.get(target);
    if (!leg || target.state !== RINGING) return;
    this.legs.delete(target);
    leg.onAnswer();
  }

  /** Dial() came back without an answer: the dialplan goes on to `NoOp(DIALSTATUS=…)`, `Hangup()`. */
  dialFailed(caller: SimChannel, status: string, target?: SimChannel): void {
    const m = this.m;
    if (!caller.alive || caller.dialing.size > 0) return;
    if (caller.atxfer) {
      transferFlow.returnFromConsult(this, caller);
      return;
    }
    m.varset(caller, 'DIALSTATUS', status);
    m.dialplan(caller, 'NoOp', `DIALSTATUS=${status}`, { priority: caller.priority + 1 });
    m.dialplan(caller, 'Hangup', '', { priority: caller.priority + 1 });
    if (status === 'NOANSWER') m.openCdr(caller, { destination: caller.exten, lastApplication: 'Hangup', lastData: '', disposition: 'NO ANSWER' });
    m.softHangupRequest(caller, 16);
    if (target?.endpoint) {
      m.es(target.endpoint);
      m.dsc(target.device);
    }
    this.finish(caller, 16);
  }

  /** A channel was answered by its own dialplan (Answer(), a Dial that succeeded). */
  answered(ch: SimChannel): void {
    this.m.newstate(ch, UP);
    // A Local ;2 that answers answers its ;1 too (capture 05: Originate of Local/talker@apps).
    const one = ch.localPeer;
    if (ch.tech === 'Local' && ch.name.endsWith(';2') && one && one.alive && one.state !== UP) {
      this.m.newstate(one, UP);
      if (one.originate) {
        this.m.dialEnd(null, one, 'ANSWER');
        originateFlow.originateAnswered(this, one);
      }
    }
  }

  /** Two channels were just bridged: run the call's next scripted step, or let the phones decide. */
  bridged(caller: SimChannel, callee: SimChannel): void {
    if (caller.atxfer && caller.atxfer.target === callee) {
      // The consultation: the transferer completes the transfer by hanging up.
      const consult = caller.atxfer.consultMs ?? this.phoneHangupDelay(caller);
      if (consult !== null) this.later(consult, [caller, callee], () => this.hangupChannel(caller, REMOTE));
      return;
    }
    const plan = caller.plan ?? callee.plan;
    if (plan) {
      const next = plan.steps.shift() ?? (plan.fallbackTalkMs === undefined ? undefined : { afterMs: plan.fallbackTalkMs, action: 'hangup' as const, by: 'callee' as const });
      if (next) {
        this.later(next.afterMs, [caller, callee], () => this.runStep(next, caller, callee));
        return;
      }
    }
    let who: SimChannel | null = null;
    let after = Infinity;
    for (const ch of [callee, caller]) {
      const ms = this.phoneHangupDelay(ch);
      if (ms !== null && ms < after) {
        after = ms;
        who = ch;
      }
    }
    if (who) {
      const hangingUp = who;
      this.later(after, [caller, callee], () => this.hangupChannel(hangingUp, REMOTE));
    }
  }

  private runStep(step: CallStep, caller: SimChannel, callee: SimChannel): void {
    const actor = step.by === 'caller' ? caller : callee;
    const other = actor === caller ? callee : caller;
    if (!actor.bridge || actor.bridge !== other.bridge) return;
    switch (step.action) {
      case 'hangup':
        this.hangupChannel(actor, REMOTE);
        return;
      case 'blindTransfer':
        // A step that cannot be carried out (no such target, full parking lot) is skipped.
        if (!this.m.isExtension(step.to ?? '') || !transferFlow.blindTransfer(this, actor, step.to ?? '', 'internal', false)) this.bridged(caller, callee);
        return;
      case 'atxfer':
        if (!this.m.isExtension(step.to ?? '') || !transferFlow.atxfer(this, actor, step.to ?? '', 'internal', step.consultMs ?? 5000)) this.bridged(caller, callee);
        return;
      case 'park': {
        const space = parkingFlow.park(this, other, actor);
        if (space === null) {
          this.bridged(caller, callee);
          return;
        }
        if (step.retrieveBy) {
          const by = step.retrieveBy;
          const plan = other.plan;
          this.clock.after(step.retrieveAfterMs ?? 10000, () =>
            this.step(() => {
              if (!this.m.parked.has(space) || !this.m.isExtension(by)) return;
              const retriever = this.m.newPjsip(by, { state: RING, exten: String(space) });
              retriever.plan = plan;
              this.runExten(retriever, String(space), 'internal');
            }),
          );
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------- hangup

  /** Someone or something ends `x`; the rest of the call follows as Asterisk tears it down. */
  hangupChannel(x: SimChannel, how: HangupHow): void {
    const m = this.m;
    if (!x.alive) return;
    // Hanging up an attended-transfer consultation that was answered completes the transfer.
    if (x.atxfer && x.atxfer.target && x.bridge && x.bridge === x.atxfer.target.bridge && x.atxfer.origBridge.channels.includes(x.atxfer.transferee)) {
      transferFlow.completeAtxfer(this, x);
      return;
    }
    x.epoch++;
    if (x.parkedSpace === null) m.mohStop(x);
    this.request(x, how);
    originateFlow.stopSpying(this, x);
    const abandonedTransfer = x.atxfer;
    x.atxfer = null;
    if (abandonedTransfer && abandonedTransfer.transferee.alive) {
      // The transferer hung up before the target answered: the held party's call ends too.
      const held = abandonedTransfer.transferee;
      this.later(0, [held], () => {
        m.unhold(held);
        this.hangupChannel(held, APP_HANGUP);
      });
    }

    if (x.parkedSpace !== null) {
      parkingFlow.unpark(this, x, 'ParkedCallGiveUp', null);
      this.finish(x, how.cause);
      return;
    }
    if (x.bridge) {
      this.teardownBridge(x, how);
      return;
    }
    if (x.dialing.size > 0 || x.inQueue) {
      // The caller gave up while its Dial()/Queue() was ringing.
      const targets = [...x.dialing];
      for (const t of targets) {
        this.legs.delete(t);
        m.dialEnd(x, t, 'CANCEL');
      }
      if (x.inQueue) queueFlow.leaveQueue(this, x, true);
      for (const cdr of x.cdrs) if (cdr.answer === null) cdr.disposition = 'NO ANSWER';
      // app_dial hangs the outgoing legs up first, then the caller's channel goes.
      for (const t of targets) {
        if (t.tech === 'Local') this.hangupChannel(t, { request: 'none', cause: 16 });
        else this.finish(t, 16);
      }
      this.finish(x, how.cause);
      return;
    }
    const leg = this.legs.get(x);
    if (leg && x.state !== UP) {
      // A ringing phone rejected the call (or AMI hung it up).
      this.legs.delete(x);
      const status = how.cause === 17 ? 'BUSY' : 'NOANSWER';
      m.dialEnd(leg.caller, x, status);
      this.finish(x, how.cause);
      leg.onFail(status);
      return;
    }
    if (x.originate) {
      const pending = x.originate;
      x.originate = null;
      this.finish(x, how.cause);
      originateFlow.originateFailed(this, pending, 1);
      return;
    }
    this.finish(x, how.cause);
  }

  private request(x: SimChannel, how: HangupHow): void {
    const cause = how.requestCause ?? how.cause;
    if (how.request === 'hard') this.m.hangupRequest(x, cause);
    else if (how.request === 'soft') this.m.softHangupRequest(x, cause);
  }

  /** Hangup event, then the other half of a Local pair follows (capture 17). */
  finish(x: SimChannel, cause: number): void {
    if (!x.alive) return;
    const peer = x.tech === 'Local' && x.localPeer?.alive ? x.localPeer : null;
    if (peer) this.m.hangupRequest(peer, 0);
    this.m.hangup(x, cause);
    transferFlow.forgetAtxfer(this, x);
    if (peer) this.hangupChannel(peer, { request: 'soft', cause: 0, requestCause: 16 });
  }

  /** A two-party basic bridge ends when one side hangs up (captures 06, 07, 10). */
  private teardownBridge(x: SimChannel, how: HangupHow): void {
    const m = this.m;
    const bridge = x.bridge!;
    const others = m.peers(x);
    // The answered target of an attended transfer hangs up: the transferer returns to the transferee.
    const consulting = others.find((o) => o.atxfer?.target === x);
    if (consulting) {
      m.bridgeLeave(bridge, x);
      m.bridgeLeave(bridge, consulting);
      m.bridgeDestroy(bridge);
      this.finish(x, how.cause);
      transferFlow.returnFromConsult(this, consulting);
      return;
    }
    const queueReason = x.queueCall && x.queueCall.caller !== x ? 'agent' : 'caller';
    for (const o of [x, ...others]) queueFlow.agentComplete(this, o, queueReason);
    const xDialed = others.some((o) => o.dialedBy === x);
    for (const c of [x, ...others]) m.varset(c, 'BRIDGEPEER', '');
    m.bridgeLeave(bridge, x);
    if (xDialed && how.request === 'hard') m.softHangupRequest(x, 16);
    for (const o of others) m.bridgeLeave(bridge, o);
    m.bridgeDestroy(bridge);
    for (const o of others) {
      if (x.dialedBy !== o) continue;
      this.dialTimes(o);
      m.softHangupRequest(o, 16);
    }
    for (const o of others) o.epoch++;
    const all = [x, ...others];
    this.m.hangup(x, how.cause);
    for (const o of others) this.m.hangup(o, 16);
    // Capture 06's order for the presence that follows.
    const exts = all.map((c) => c.endpoint).filter((e): e is string => e !== null);
    for (const e of exts) m.es(e);
    for (const c of all) m.dsc(c.device);
    if (exts[0]) m.qms(exts[0]);
    m.avail();
    for (const e of exts.slice(1)) m.qms(e);
    for (const c of all) {
      transferFlow.forgetAtxfer(this, c);
      const peer = c.tech === 'Local' && c.localPeer?.alive ? c.localPeer : null;
      if (peer) {
        m.hangupRequest(peer, 0);
        this.hangupChannel(peer, { request: 'soft', cause: 0, requestCause: 16 });
      }
    }
  }

  // ---------------------------------------------------------------- ring group (capture 12)

  // ---------------------------------------------------------------- queue (capture 13)

  // ---------------------------------------------------------------- originate (captures 05, 06, 08, 11, 17)

  // ---------------------------------------------------------------- applications

  // ---------------------------------------------------------------- ChanSpy

  // ---------------------------------------------------------------- transfers

  // ---------------------------------------------------------------- parking (res_parking, lot `default`, 701–720)

  closeCdrs(ch: SimChannel): void {
    const now = this.m.now();
    for (const cdr of ch.cdrs) cdr.end ??= now;
  }

  // ---------------------------------------------------------------- façade for actions and traffic

  static parseDialString(text: string): ReturnType<typeof originateFlow.parseDialString> {
    return originateFlow.parseDialString(text);
  }

  /** Starts an Originate; the outcome arrives as OriginateResponse (async) or `pending.respond`. */
  originate(pending: PendingOriginate, timeoutMs: number): void {
    originateFlow.originate(this, pending, timeoutMs);
  }

  redirect(x: SimChannel, exten: string, context: string): void {
    transferFlow.redirect(this, x, exten, context);
  }

  blindTransfer(transferer: SimChannel, exten: string, context: string, external: boolean): boolean {
    return transferFlow.blindTransfer(this, transferer, exten, context, external);
  }

  atxfer(transferer: SimChannel, exten: string, context: string, consultMs: number | null): boolean {
    return transferFlow.atxfer(this, transferer, exten, context, consultMs);
  }

  park(parkee: SimChannel, parker: SimChannel | null, timeoutMs?: number): number | null {
    return parkingFlow.park(this, parkee, parker, timeoutMs);
  }

  /** Idle check used by synthetic traffic. */
  isIdle(exten: string): boolean {
    return this.m.deviceState(`PJSIP/${exten}`) === 'NOT_INUSE';
  }
}

/** `${CALLERID(all)}`: `"Name" <num>`. */
function callerAll(ch: SimChannel): string {
  return `"${ch.callerName}" <${ch.callerNum}>`;
}

/** `${STRFTIME(${EPOCH},,%Y%m%d-%H%M%S)}` in UTC. */
function stamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}
