import type { Random } from '../random.js';
import type { SarkChannel, SarkState } from './state.js';

/*
 * Calls in progress on the SARK box, as chan_sip channels: an internal call is the caller's
 * `SIP/<ext>-xxxxxxxx` running Dial and the callee's leg running AppDial; an outside call dials out
 * through `SIP/trunk1-…` (the shape of the CoreShowChannels fixture). Both legs share the caller's
 * Uniqueid as Linkedid and one BridgeId. A SARK API client has no events: it polls CoreShowChannels,
 * so a call only needs to exist, last, and disappear when hung up or over.
 */

export class Calls {
  private channelSeq: number;
  private uniqueSeq = 40;

  constructor(
    private readonly state: SarkState,
    private readonly random: Random,
  ) {
    this.channelSeq = random.int(0x10, 0x200);
  }

  private channelId(): string {
    return (this.channelSeq++ % 0x100000000).toString(16).padStart(8, '0');
  }

  private uniqueid(nowMs: number): string {
    return `${Math.floor(nowMs / 1000)}.${this.uniqueSeq++}`;
  }

  private name(extension: string): string {
    const row = this.state.extensions.get(extension);
    return row?.desc ?? '';
  }

  /** A bridged call from an extension to another extension or an outside number. */
  start(from: string, to: string, startMs: number, endsAtMs?: number): SarkChannel[] {
    const internal = this.state.extensions.has(to);
    const uniqueA = this.uniqueid(startMs);
    const uniqueB = this.uniqueid(startMs);
    const bridgeId = this.random.uuid();
    const callerName = this.name(from);
    const a: SarkChannel = {
      channel: `SIP/${from}-${this.channelId()}`,
      state: '6',
      stateDesc: 'Up',
      callerNum: from,
      callerName,
      connectedNum: to,
      connectedName: internal ? this.name(to) : '<unknown>',
      context: 'internal',
      exten: to,
      priority: '3',
      uniqueid: uniqueA,
      linkedid: uniqueA,
      bridgeId,
      application: 'Dial',
      applicationData: internal ? `SIP/${to},20,ciIkt` : `SIP/trunk1/${to},60,tT`,
      startMs,
      ...(endsAtMs !== undefined ? { endsAtMs } : {}),
    };
    const b: SarkChannel = {
      channel: internal ? `SIP/${to}-${this.channelId()}` : `SIP/trunk1-${this.channelId()}`,
      state: '6',
      stateDesc: 'Up',
      callerNum: to,
      callerName: internal ? this.name(to) : '',
      connectedNum: from,
      connectedName: callerName,
      context: 'internal',
      exten: '',
      priority: '1',
      uniqueid: uniqueB,
      linkedid: uniqueA,
      bridgeId,
      application: 'AppDial',
      applicationData: '(Outgoing Line)',
      startMs: startMs + 2000,
      ...(endsAtMs !== undefined ? { endsAtMs } : {}),
    };
    this.state.channels.push(a, b);
    return [a, b];
  }

  /** `count` calls already running, between random extensions or out to random numbers. */
  seed(count: number, nowMs: number): void {
    const extensions = [...this.state.extensions.keys()];
    if (extensions.length === 0) return;
    for (let i = 0; i < count; i++) {
      const from = this.random.pick(extensions);
      const others = extensions.filter((e) => e !== from);
      const to = others.length > 0 && this.random.chance(0.5) ? this.random.pick(others) : `07700900${this.random.int(100, 999)}`;
      this.start(from, to, nowMs - this.random.int(10, 600) * 1000);
    }
  }

  /** A click-to-dial call: it lasts a while, then ends by itself. */
  originated(caller: string, target: string, nowMs: number): SarkChannel[] {
    return this.start(caller, target, nowMs, nowMs + this.random.int(30, 180) * 1000);
  }

  /** Channels still up at `nowMs` (ended calls are dropped from the state). */
  live(nowMs: number): SarkChannel[] {
    this.state.channels = this.state.channels.filter((c) => c.endsAtMs === undefined || c.endsAtMs > nowMs);
    return this.state.channels;
  }

  /** AMI Hangup: the channel and, since its bridge peer is left alone, the whole call go. */
  hangup(channel: string, nowMs: number): boolean {
    const target = this.live(nowMs).find((c) => c.channel === channel);
    if (!target) return false;
    this.state.channels = this.state.channels.filter((c) => c.linkedid !== target.linkedid);
    return true;
  }
}
