import type { SimResponse } from '../http/http-sim.js';
import { type AmiFields, buildListArray, flattenInstance, getDbValue, isEmptyList, phpContains } from './ami-text.js';
import { amiWait, commandWait, magic, pbxDownAppended, type SarkAction, type SarkCall, unprocessable, validationContext } from './context.js';
import { json, phpAssoc, type PhpValue } from './laravel.js';
import { phpString, validate } from './validation.js';

/*
 * AstAmiController: SARK's HTTP window onto Asterisk. Every call opens a fresh AMI session and reads
 * until the socket has been idle for PHP's 3-second stream timeout, so each answer is slow (the delay
 * is `astamisDelayMs`). List actions come back as `build_list_array` makes them (element 0 is the
 * AMI response header; an empty list is a 404, not `[]`), single actions as one flat object. The
 * action name in the URL is case-sensitive and checked against a fixed list.
 */

const EVENT_LIST = [
  'Agents', 'ConfbridgeList', 'ConfbridgeListRooms', 'CoreShowChannels', 'DeviceStateList', 'ExtensionStateList', 'IAXpeers', 'IAXregistry',
  'ListCommands', 'QueueStatus', 'QueueSummary', 'SIPpeers', 'SIPshowregistry', 'Status', 'VoicemailUsersList',
];

const EVENT_ITEM = {
  ExtensionState: { Exten: null, Context: 'extensions' },
  MailboxCount: { Mailbox: null },
  MailboxStatus: { Mailbox: null },
  QueueStatus: { Queue: null, Member: null },
  QueueSummary: { Queue: null },
  SIPshowpeer: { Peer: null },
};

function pbxDown(): SimResponse {
  return json(503, { message: 'PBX not running' });
}

export const index: SarkAction = () => json(200, { GetEventList: EVENT_LIST, GetEventItem: EVENT_ITEM, PutItem: { Reload: null } });

/** getinstance(): one action, every `Key: Value` line of the answer in one object. */
async function instance(call: SarkCall, action: string, headers: AmiFields = []): Promise<SimResponse> {
  if (!call.box.state.pbxRunning) return pbxDown();
  const text = call.box.asterisk.send(action, headers);
  await amiWait(call);
  return json(200, phpAssoc(Object.entries(flattenInstance(text))));
}

const id = (call: SarkCall): string => phpString(magic(call, 'id') ?? null);

export const coreSettings: SarkAction = (call) => instance(call, 'CoreSettings');
export const coreStatus: SarkAction = (call) => instance(call, 'CoreStatus');

/** The context comes from `?Context=`, never from the path. */
export const extensionState: SarkAction = (call) => {
  const context = magic(call, 'Context');
  return instance(call, 'ExtensionState', [
    ['Exten', id(call)],
    ['Context', context === undefined || context === null ? 'extensions' : phpString(context)],
  ]);
};

export const mailboxCount: SarkAction = (call) => instance(call, 'MailboxCount', [['Mailbox', `${id(call)}@default`]]);
export const mailboxStatus: SarkAction = (call) => instance(call, 'MailboxStatus', [['Mailbox', id(call)]]);
export const queueStatus: SarkAction = (call) => instance(call, 'QueueStatus', [['Queue', id(call)], ['Member', '']]);
/** queuesummary() fills in and sends QueueStatus (a bug in SARK). */
export const queueSummary: SarkAction = (call) => instance(call, 'QueueStatus', [['Queue', id(call)], ['Member', '']]);
export const sipShowPeer: SarkAction = (call) => instance(call, 'SIPshowpeer', [['Peer', id(call)]]);

/** getlist(): `GET /astamis/{action}/{id?}` for the actions in the list. */
export const list: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDown();
  const action = call.params.action ?? '';
  if (!EVENT_LIST.includes(action)) return json(404, { message: 'AMI Action invalid or unsupported' });
  const headers: AmiFields = /ConfbridgeList$/.test(action) ? [['Conference', id(call)]] : [];
  const text = call.box.asterisk.send(action, headers);
  await amiWait(call);
  if (isEmptyList(text)) return json(404, { message: 'Empty Object set returned from AMI' });
  return json(200, buildListArray(text).map((item) => phpAssoc(Object.entries(item))));
};

/** `{"<key>": …}` as a PHP array keyed by the route's key (a key "0" makes it a JSON list). */
function keyed(call: SarkCall, value: PhpValue): SimResponse {
  return json(200, phpAssoc([[phpString(magic(call, 'key') ?? null), value]]));
}

export const dbGet: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const text = call.box.asterisk.send('Command', [['Command', `database get ${id(call)} ${phpString(magic(call, 'key') ?? null)}`]]);
  await commandWait(call);
  return keyed(call, getDbValue(text));
};

export const dbPut: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const text = call.box.asterisk.send('Command', [['Command', `database put ${id(call)} ${phpString(magic(call, 'key') ?? null)} ${phpString(magic(call, 'value') ?? null)}`]]);
  await commandWait(call);
  return keyed(call, phpContains(text, 'Updated database successfully'));
};

/** `DELETE /astamis/DBdel/{family}/{key}`: true when an entry was removed, false when there was none. */
export const dbDel: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const text = call.box.asterisk.send('Command', [['Command', `database del ${id(call)} ${phpString(magic(call, 'key') ?? null)}`]]);
  await commandWait(call);
  return keyed(call, phpContains(text, 'Database entry removed.'));
};

/** The value is Asterisk's raw answer text. */
export const hangup: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const text = call.box.asterisk.send('Hangup', [['Channel', `${id(call)}/${phpString(magic(call, 'key') ?? null)}`]]);
  await amiWait(call);
  return keyed(call, text);
};

export const reload: SarkAction = async (call) => {
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  call.box.asterisk.send('Reload');
  await amiWait(call);
  return json(200, { Response: 'Reload sent' });
};

/**
 * `target` and `caller` (required|numeric), `clid` (numeric). Synchronous Originate of
 * `Local/<caller>@internal` into `<target>@internal`; the answer never says whether it worked.
 */
export const originate: SarkAction = async (call) => {
  const errors = validate(
    call.input.all,
    [
      ['target', ['required', 'numeric']],
      ['caller', ['required', 'numeric']],
      ['clid', ['numeric']],
    ],
    validationContext(call),
  );
  if (!errors.isEmpty) return unprocessable(errors);
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const caller = phpString(magic(call, 'caller') ?? null);
  const target = phpString(magic(call, 'target') ?? null);
  const clid = phpString(magic(call, 'clid') ?? null);
  const headers: AmiFields = [
    ['Channel', `Local/${caller}@internal`],
    ['Context', 'internal'],
    ['Exten', target],
    ['Priority', '1'],
    ['Callerid', clid],
    ['Timeout', '30000'],
  ];
  call.box.asterisk.send('Originate', headers);
  const { amiActions, originates } = call.box.state;
  originates.push({ caller, target, clid, ami: amiActions[amiActions.length - 1]!, atMs: Date.now() });
  await amiWait(call);
  return json(200, { message: 'Request Sent' });
};
