import type { AmiEvent } from './ami-event.js';
import { astdbEntry, astdbTreeEntry, type AstdbEntry } from './astdb.js';
import type { Handler } from './channel-events.js';
import { customDndExtension, deviceExtension, hintHasPhone, isExtensionNumber } from './channel-name.js';
import { devicePresence, endpointPresence, hintPresence, read } from './fields.js';
import { emptyExtension, type ExtensionRecord, type LiveState, patch } from './live-state.js';

/*
 * Presence sources, one handler each: hints (ExtensionStatus), device states, endpoint and peer
 * lists and their status events, and AstDB reads. Each updates only its own field of the
 * extension's record; selectors decide which source wins.
 */

/** Only numeric extensions get a record: trunks and named endpoints are not on the presence grid. */
function onExtension(s: LiveState, extension: string | null | undefined, changes: Partial<ExtensionRecord>): LiveState {
  if (!extension || !isExtensionNumber(extension)) return s;
  const before = s.extensions.get(extension) ?? emptyExtension(extension);
  const after = patch(before, changes);
  // Unchanged, or nothing worth creating a record for.
  if (after === before) return s;
  return { ...s, extensions: s.extensions.set(extension, after) };
}

const extensionStatus: Handler = (s, e) => {
  const exten = read(e, 'exten');
  const state = hintPresence(read(e, 'status'), read(e, 'statustext'));
  if (state === null) return s;
  if (state === 'removed') return onExtension(s, exten, { hintState: null, hint: null, hintHasPhone: false });
  const hint = read(e, 'hint');
  // Parsing the hint is the costly part: only when it changed.
  const known = exten === undefined ? undefined : s.extensions.get(exten);
  const hasPhone = hint === undefined ? undefined : known !== undefined && known.hint === hint ? known.hintHasPhone : hintHasPhone(hint);
  return onExtension(s, exten, { hintState: state, hint, hintHasPhone: hasPhone });
};

/** FreePBX sets `Custom:DND<ext>` to BUSY when DND is on and NOT_INUSE when off. */
const DND_ON = new Set(['BUSY', 'INUSE', 'ONHOLD', 'RINGING', 'RINGINUSE']);

const deviceStateChange: Handler = (s, e) => {
  const device = read(e, 'device');
  const state = read(e, 'state');
  if (device === undefined || state === undefined) return s;
  const dnd = customDndExtension(device);
  if (dnd !== null) return onExtension(s, dnd, { dndDevice: DND_ON.has(state) });
  return onExtension(s, deviceExtension(device), { deviceState: devicePresence(state) ?? undefined });
};

/** RoundtripUsec → ms with one decimal; `N/A` (not qualified) and garbage → null. */
function latencyOf(usec: string | undefined): number | null | undefined {
  if (usec === undefined) return undefined;
  if (!/^[0-9]{1,12}$/.test(usec)) return null;
  return Math.round(Number(usec) / 100) / 10;
}

/** PJSIPShowEndpoints item: DeviceState and Contacts (`101/sip:101@127.0.0.1:5071,`, '' when none). */
const endpointList: Handler = (s, e) => {
  const contacts = read(e, 'contacts');
  return onExtension(s, read(e, 'objectname'), {
    endpointState: endpointPresence(read(e, 'devicestate')) ?? undefined,
    registered: contacts === undefined ? undefined : contacts.replace(/[,\s]/g, '') !== '',
  });
};

/** PJSIPShowEndpoint's EndpointDetail: the endpoint's own caller ID, `"Alice" <101>`. */
const endpointDetail: Handler = (s, e) => {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(read(e, 'callerid') ?? '');
  return onExtension(s, read(e, 'objectname'), {
    name: m && m[1].trim() !== '' ? m[1].trim() : undefined,
    endpointState: endpointPresence(read(e, 'devicestate')) ?? undefined,
  });
};

/** Contact states (res_pjsip): NonQualified means "not checked", not "down". */
function contactRegistered(status: string | undefined): boolean | undefined {
  switch (status) {
    case 'Reachable':
    case 'NonQualified':
    case 'Created':
    case 'Updated':
      return true;
    case 'Unreachable':
    case 'Removed':
      return false;
    default:
      return undefined;
  }
}

/** ContactStatusDetail (list item) and ContactStatus (event) differ only in the status header's name. */
const contactStatus =
  (statusKey: string): Handler =>
  (s, e) =>
    onExtension(s, read(e, 'endpointname') || read(e, 'aor'), {
      registered: contactRegistered(read(e, statusKey)),
      latencyMs: latencyOf(read(e, 'roundtripusec')),
    });

/** PeerStatus (chan_sip, chan_iax2, and chan_pjsip's compatibility event): `Peer: SIP/101`. */
const peerStatus: Handler = (s, e) => {
  const status = read(e, 'peerstatus');
  let registered: boolean | undefined;
  if (status === 'Registered' || status === 'Reachable' || status === 'Lagged') registered = true;
  else if (status === 'Unregistered' || status === 'Unreachable' || status === 'Rejected') registered = false;
  const time = read(e, 'time');
  return onExtension(s, deviceExtension(read(e, 'peer') ?? ''), {
    registered,
    latencyMs: time !== undefined && /^[0-9]{1,9}$/.test(time) ? Number(time) : undefined,
  });
};

/** SIPpeers/IAXpeers item: IPaddress `-none-` when not registered, Status `OK (5 ms)`, `UNREACHABLE`… */
const peerEntry: Handler = (s, e) => {
  const ip = read(e, 'ipaddress');
  const status = read(e, 'status') ?? '';
  const ms = /\((\d{1,9}) ms\)/.exec(status);
  let registered: boolean | undefined;
  if (ip !== undefined) registered = ip !== '' && ip !== '-none-' && !status.startsWith('UNREACHABLE');
  return onExtension(s, read(e, 'objectname'), { registered, latencyMs: ms ? Number(ms[1]) : undefined });
};

export function withAstdb(s: LiveState, entry: AstdbEntry | null): LiveState {
  if (entry === null) return s;
  const record = s.extensions.get(entry.extension) ?? emptyExtension(entry.extension);
  if (record.astdb[entry.family] === entry.value) return s;
  return { ...s, extensions: s.extensions.set(entry.extension, { ...record, astdb: { ...record.astdb, [entry.family]: entry.value } }) };
}

const dbGetResponse: Handler = (s, e: AmiEvent) => withAstdb(s, astdbEntry(read(e, 'family'), read(e, 'key'), read(e, 'val')));

const dbGetTreeResponse: Handler = (s, e: AmiEvent) => withAstdb(s, astdbTreeEntry(read(e, 'key'), read(e, 'val')));

export const PRESENCE_HANDLERS: ReadonlyArray<readonly [string, Handler]> = [
  ['ExtensionStatus', extensionStatus],
  ['DeviceStateChange', deviceStateChange],
  ['EndpointList', endpointList],
  ['EndpointDetail', endpointDetail],
  ['ContactStatusDetail', contactStatus('status')],
  ['ContactStatus', contactStatus('contactstatus')],
  ['PeerStatus', peerStatus],
  ['PeerEntry', peerEntry],
  ['DBGetResponse', dbGetResponse],
  ['DBGetTreeResponse', dbGetTreeResponse],
];
