import type { OriginateOutcome } from '../../src-shared/domain/live.js';
import { AppError } from '../../src-shared/errors.js';
import type { Vendor } from '../../src-shared/vendors.js';
import type { AmiLink } from '../ami/ami-link.js';
import { text, type AmiEvent } from './ami-event.js';

/**
 * Call control over AMI, as the actions Asterisk really takes (checked against the recorded
 * streams in fixtures/ami): one function per thing a person can do, each failing with a typed error.
 */
export interface AmiSite {
  vendor: Vendor;
  /** Dialplan context where transfers and click-to-dial enter. */
  context: string;
}

/** Originate waits for the first leg to answer; a phone may ring for half a minute. */
const ORIGINATE_RING_MS = 30_000;

/**
 * The call ended between the click and the action: Asterisk says "No such channel" or "Channel
 * does not exist". That is NOT_FOUND for a person ("the call already ended"), not a PBX failure.
 */
async function onChannel<T>(channel: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && err.code === 'PBX_ERROR' && /no such channel|channel does not exist/i.test(err.message)) {
      throw new AppError('NOT_FOUND', `The call on ${channel} has already ended`, { channel });
    }
    throw err;
  }
}

export async function hangup(link: AmiLink, channel: string): Promise<void> {
  await onChannel(channel, () => link.action({ action: 'Hangup', fields: { Channel: channel, Cause: 16 } }));
}

/** Blind transfer: the channel leaves its bridge and dials `to` (the other party is hung up). */
export async function blindTransfer(link: AmiLink, site: AmiSite, channel: string, to: string): Promise<void> {
  await onChannel(channel, () => link.action({ action: 'Redirect', fields: { Channel: channel, Exten: to, Context: site.context, Priority: 1 } }));
}

/** Attended transfer: `channel` (the transferring party's own leg) consults `to` first. */
export async function attendedTransfer(link: AmiLink, site: AmiSite, channel: string, to: string): Promise<void> {
  await onChannel(channel, () => link.action({ action: 'Atxfer', fields: { Channel: channel, Exten: to, Context: site.context } }));
}

/**
 * Click-to-dial: the operator's own phone rings first (through the dialplan, so it works for any
 * channel technology and the PBX's own rules), and once answered it dials `to`.
 */
export async function originate(link: AmiLink, site: AmiSite, from: string, to: string): Promise<OriginateOutcome> {
  const response = await link.originate({
    action: 'Originate',
    fields: {
      Channel: `Local/${from}@${site.context}`,
      Exten: to,
      Context: site.context,
      Priority: 1,
      CallerID: `Switchboard <${to}>`,
      Timeout: ORIGINATE_RING_MS,
    },
    timeoutMs: ORIGINATE_RING_MS + 5_000,
  });
  return { answered: text(response, 'response') === 'Success', reason: text(response, 'reason') };
}

export async function park(link: AmiLink, channel: string): Promise<void> {
  await onChannel(channel, () => link.action({ action: 'Park', fields: { Channel: channel } }));
}

/**
 * Rings `extension` and, once answered, takes the ringing `channel` (PickupChan). Waits for the
 * OriginateResponse: "queued" is not "picked up", and a phone that does not answer must say so.
 */
export async function pickup(link: AmiLink, site: AmiSite, channel: string, extension: string): Promise<void> {
  const response = await link.originate({
    action: 'Originate',
    fields: { Channel: `Local/${extension}@${site.context}`, Application: 'PickupChan', Data: channel, Timeout: ORIGINATE_RING_MS },
    timeoutMs: ORIGINATE_RING_MS + 5_000,
  });
  requireAnswered(response, extension);
}

/** An OriginateResponse that is not Success means the person's own phone never took the call. */
function requireAnswered(response: AmiEvent, extension: string): void {
  if (text(response, 'response') !== 'Success') {
    throw new AppError('PBX_ERROR', `Extension ${extension} did not answer (reason ${text(response, 'reason') || 'unknown'})`, {
      extension,
      reason: text(response, 'reason'),
    });
  }
}

const SPY_OPTIONS = { listen: 'qE', whisper: 'qwE', barge: 'qBE' } as const;

/** ChanSpy from the supervisor's phone: listen only, whisper to the agent, or join the call. */
export async function spy(
  link: AmiLink,
  site: AmiSite,
  channel: string,
  extension: string,
  mode: keyof typeof SPY_OPTIONS,
): Promise<void> {
  // ChanSpy takes a channel prefix; the full name pins it to exactly this leg.
  const response = await link.originate({
    action: 'Originate',
    fields: {
      Channel: `Local/${extension}@${site.context}`,
      Application: 'ChanSpy',
      Data: `${channel},${SPY_OPTIONS[mode]}`,
      Timeout: ORIGINATE_RING_MS,
    },
    timeoutMs: ORIGINATE_RING_MS + 5_000,
  });
  requireAnswered(response, extension);
}

export async function record(link: AmiLink, channel: string, on: boolean, now: number): Promise<void> {
  if (on) {
    const file = `switchboard-${channel.replace(/[^A-Za-z0-9-]/g, '_')}-${now}.wav`;
    await onChannel(channel, () => link.action({ action: 'MixMonitor', fields: { Channel: channel, File: file, Options: 'b' } }));
  } else {
    await onChannel(channel, () => link.action({ action: 'StopMixMonitor', fields: { Channel: channel } }));
  }
}

/** Where each PBX family keeps DND and call forward in AstDB. */
function astdbFamily(vendor: Vendor, kind: 'dnd' | 'always' | 'busy' | 'noAnswer'): string | null {
  if (vendor === 'sark') return { dnd: null, always: 'cfim', busy: 'cfbs', noAnswer: null }[kind];
  return { dnd: 'DND', always: 'CF', busy: 'CFB', noAnswer: 'CFU' }[kind];
}

export async function setAstdb(
  link: AmiLink,
  site: AmiSite,
  kind: 'dnd' | 'always' | 'busy' | 'noAnswer',
  extension: string,
  value: string | null,
): Promise<string> {
  const family = astdbFamily(site.vendor, kind);
  if (family === null) {
    throw new AppError('NOT_SUPPORTED', `This PBX keeps no ${kind} setting in AstDB`, { kind });
  }
  if (value === null) {
    try {
      await link.action({ action: 'DBDel', fields: { Family: family, Key: extension } });
    } catch (err) {
      // Clearing what is not set is done, not an error.
      if (!(err instanceof AppError && /not found|failed/i.test(err.message))) throw err;
    }
  } else {
    await link.action({ action: 'DBPut', fields: { Family: family, Key: extension, Val: value } });
  }
  if (kind === 'dnd') {
    // FreePBX also shows DND on phones' BLF keys through a custom device state; keep it in step.
    await link
      .action({ action: 'Setvar', fields: { Variable: `DEVICE_STATE(Custom:DND${extension})`, Value: value === null ? 'NOT_INUSE' : 'BUSY' } })
      .catch(() => undefined);
  }
  return family;
}
