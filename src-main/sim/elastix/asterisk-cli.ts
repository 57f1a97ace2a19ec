import { localDateTime } from '../pbx-data.js';
import { sipPeerEntries } from './sip-conf.js';
import { type ActiveChannel, type ElastixState, now } from './state.js';

/*
 * The commands the API runs on the box and how its PHP turns their text into answers. Each output is
 * rendered the way the real program prints it (Asterisk 11's fixed-width `core show channels
 * verbose`, procps `uptime`, `df -H`, `du -sh`, CentOS `service iptables status`, raw AMI replies)
 * and then parsed with the API's own string operations, so the oddities come out by themselves: a
 * Channel cut to 20 characters, summary lines as plain strings, `"1 user"`, fields shifted by
 * "1 day,", an empty `harddisk` when `df` does not wrap, invalid JSON from iptables.
 */

const CRLF = '\r\n';

// Asterisk 11 cli.c: VERBOSE_FORMAT_STRING / VERBOSE_FORMAT_STRING2.
const COLUMNS: Array<{ width: number; right?: boolean }> = [
  { width: 20 }, { width: 20 }, { width: 16 }, { width: 4, right: true }, { width: 7 }, { width: 12 }, { width: 25 }, { width: 15 },
  { width: 8, right: true }, { width: 11 }, { width: 11 }, { width: 20 },
];

function printf(values: readonly string[]): string {
  return values.map((v, i) => (COLUMNS[i]!.right ? v.slice(0, COLUMNS[i]!.width).padStart(COLUMNS[i]!.width) : v.slice(0, COLUMNS[i]!.width).padEnd(COLUMNS[i]!.width))).join(' ');
}

function ess(n: number): string {
  return n === 1 ? '' : 's';
}

function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `asterisk -rx "core show channels verbose"` as PHP's exec() returns it (lines, trailing blanks stripped). */
export function coreShowChannelsVerbose(state: ElastixState): string[] {
  const at = now(state);
  const lines = [printf(['Channel', 'Context', 'Extension', 'Priority', 'State', 'Application', 'Data', 'CallerID', 'Duration', 'Accountcode', 'PeerAccount', 'BridgedTo'])];
  for (const c of state.channels) {
    lines.push(printf([c.channel, c.context, c.extension, String(c.priority), c.state, c.application, c.data, c.callerIdNum, hms((at - c.startedMs) / 1000), c.accountcode, c.peerAccount, c.bridgedTo || '(None)']));
  }
  const calls = Math.ceil(state.channels.length / 2);
  lines.push(`${state.channels.length} active channel${ess(state.channels.length)}`, `${calls} active call${ess(calls)}`, `${state.callsProcessed} call${ess(state.callsProcessed)} processed`);
  return lines.map((line) => line.replace(/\s+$/, ''));
}

/** `Asterisk::get_active_call`: header words and their widths from line 0, rows longer than 100 cut by them. */
export function activeCall(state: ElastixState): Array<Record<string, string> | string> {
  const [header, ...rows] = coreShowChannelsVerbose(state);
  const words = header!.split(/\s+/);
  const spaces = (header!.match(/\s+/g) ?? []).map((s) => s.length);
  const widths = words.map((w, i) => w.length + (spaces[i] ?? 0));
  return rows.map((line) => {
    if (line.length <= 100) return line;
    const parts: Record<string, string> = {};
    let rest = line;
    widths.forEach((width, i) => {
      parts[words[i]!] = words[i] === 'BridgedTo' ? rest.trim() : rest.slice(0, width).trim();
      rest = rest.slice(width);
    });
    return parts;
  });
}

/** procps 3.2 `uptime`, in the box's local time. */
export function uptimeLine(state: ElastixState): string {
  const at = now(state);
  const clock = localDateTime(at, state.utcOffsetMinutes).slice(11);
  const up = Math.max(0, Math.floor((at - state.system.bootMs) / 60_000));
  const [days, hours, minutes] = [Math.floor(up / 1440), Math.floor((up % 1440) / 60), up % 60];
  let line = ` ${clock} up `;
  if (days) line += `${days} day${days !== 1 ? 's' : ''}, `;
  line += hours ? `${String(hours).padStart(2)}:${String(minutes).padStart(2, '0')}, ` : `${minutes} min, `;
  line += `${String(state.system.users).padStart(2)} user${state.system.users === 1 ? '' : 's'}, `;
  const [a, b, c] = state.system.load;
  return `${line} load average: ${a.toFixed(2)}, ${b.toFixed(2)}, ${c.toFixed(2)}`;
}

/** `Asterisk::get_system_resources`: three str_replace calls and an explode on ",  ". */
export function systemResources(state: ElastixState): Record<string, string | null> {
  const data = uptimeLine(state).replace('load average: ', '').split(' users').join('').split('days,').join('days');
  const parts = data.split(',  ').map((s) => s.trim());
  return { datetime: parts[0] ?? null, users: parts[1] ?? null, usage: parts[2] ?? null };
}

/** `du -h` sizes: one decimal below 10, rounded up. */
function human(bytes: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let value = Math.max(4096, bytes) / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1];
  return value < 10 ? `${(Math.ceil(value * 10) / 10).toFixed(1)}${units[unit]}` : `${Math.ceil(value)}${units[unit]}`;
}

/** `Elastix::get_harddrivers`: line 2 of `df -H /` split on runs of blanks, `du -sh` lines split on tabs. */
export function hardDrives(state: ElastixState): Record<string, unknown> {
  const df = state.system.dfWrapped
    ? ['Filesystem             Size   Used  Avail Use% Mounted on', '/dev/mapper/VolGroup-lv_root', '                        53G   7.9G    42G  16% /']
    : ['Filesystem      Size  Used Avail Use% Mounted on', '/dev/sda1        53G  7.9G   42G  16% /'];
  // PHP: $harddisk[2] is null when missing; preg_replace/trim make it '', explode gives [''].
  const fields = (df[2] ?? '').replace(/\s\s+/g, ' ').trim().split(' ');
  const spool = [...state.recordings.values()].reduce((sum, b) => sum + b.length, 0);
  return {
    harddisk: { size: fields[0] ?? null, used: fields[1] ?? null, avail: fields[2] ?? null, usepercent: fields[3] ?? null, mount: fields[4] ?? null },
    logs: ['240M', '/var/log'],
    thirdparty: ['12K', '/opt'],
    voicemails: ['3.1M', '/var/spool/asterisk/voicemail'],
    backups: ['88M', '/var/www/backup'],
    configuration: ['41M', '/etc'],
    recording: [human(spool + 4096), '/var/spool/asterisk/monitor'],
  };
}

/** `Elastix::get_iptables_status`: the raw command output pasted into a JSON string, unescaped. */
export function iptablesStatusBody(state: ElastixState): string {
  const blank = 'num  target     prot opt source               destination         ';
  const pid = state.system.iptablesRunning
    ? [
        'Table: filter',
        'Chain INPUT (policy ACCEPT)',
        blank,
        '1    ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           state RELATED,ESTABLISHED ',
        '2    ACCEPT     icmp --  0.0.0.0/0            0.0.0.0/0           ',
        '3    ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           ',
        '4    ACCEPT     udp  --  0.0.0.0/0            0.0.0.0/0           udp dpt:5060 ',
        '5    ACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0           state NEW tcp dpt:443 ',
        '6    REJECT     all  --  0.0.0.0/0            0.0.0.0/0           reject-with icmp-host-prohibited ',
        '',
        'Chain FORWARD (policy ACCEPT)',
        blank,
        '',
        'Chain OUTPUT (policy ACCEPT)',
        blank,
        '',
        '',
      ].join('\n')
    : 'iptables: Firewall is not running.\n';
  return `{"pid": "${pid}", "is_exist": ${pid.length > 100 ? 'true' : 'false'}}`;
}

/** What the API's AMI client has read right after its login: the rest of the login reply and FullyBooted. */
const AFTER_LOGIN = `${CRLF}Event: FullyBooted${CRLF}Privilege: system,all${CRLF}Status: Fully Booted${CRLF}${CRLF}`;

function amiBlock(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `${pairs.map(([k, v]) => `${k}: ${v}`).join(CRLF)}${CRLF}${CRLF}`;
}

/** `Action: Sippeers` read up to the `ListItems` line, as getSipPeers returns it. */
export function sipPeersText(state: ElastixState): string {
  const entries = sipPeerEntries(state.sipConf, state.presence);
  return (
    AFTER_LOGIN +
    amiBlock([['Response', 'Success'], ['EventList', 'start'], ['Message', 'Peer status list will follow']]) +
    entries.map((entry) => amiBlock(Object.entries(entry))).join('') +
    `Event: PeerlistComplete${CRLF}EventList: Complete${CRLF}ListItems: ${entries.length}${CRLF}`
  );
}

/** `Asterisk::get_sip_peers`: blocks of more than 3 `key: value` lines become objects. */
export function parseSipPeers(text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    if (raw.length > 1) {
      const [key, value] = raw.replace(/\r/g, '').split(': ');
      current[key!] = value ?? '';
    } else {
      if (Object.keys(current).length > 3) blocks.push(current);
      current = {};
    }
  }
  return blocks;
}

function statusEvent(c: ActiveChannel, at: number): Array<[string, string]> {
  const state: Record<string, string> = { Up: '6', Ring: '4', Ringing: '5', Down: '0' };
  const pairs: Array<[string, string]> = [
    ['Event', 'Status'], ['Privilege', 'Call'], ['Channel', c.channel], ['CallerIDNum', c.callerIdNum], ['CallerIDName', c.callerIdName],
    ['ConnectedLineNum', c.connectedNum], ['ConnectedLineName', c.connectedName], ['Accountcode', c.accountcode], ['ChannelState', state[c.state] ?? '6'],
    ['ChannelStateDesc', c.state], ['Context', c.context], ['Extension', c.extension], ['Priority', String(c.priority)], ['Seconds', String(Math.floor((at - c.startedMs) / 1000))],
  ];
  if (c.bridgedTo) pairs.push(['BridgedChannel', c.bridgedTo]);
  pairs.push(['Uniqueid', c.uniqueid]);
  return pairs;
}

/** `Action: Status` read until the socket times out (nothing ends the read), printed with print_r. */
export function channelStatusText(state: ElastixState): string {
  const at = now(state);
  return (
    AFTER_LOGIN +
    amiBlock([['Response', 'Success'], ['Message', 'Channel status will follow']]) +
    state.channels.map((c) => amiBlock(statusEvent(c, at))).join('') +
    amiBlock([['Event', 'StatusComplete'], ['Items', String(state.channels.length)]])
  );
}

/** `Action: ParkedCalls` read up to the `ParkedCallsComplete` line (left out), printed with print_r. */
export function parkedCallsText(state: ElastixState): string {
  const at = now(state);
  return (
    AFTER_LOGIN +
    amiBlock([['Response', 'Success'], ['Message', 'Parked calls will follow']]) +
    state.parked
      .map((p) =>
        amiBlock([
          ['Event', 'ParkedCall'], ['Parkinglot', 'default'], ['Exten', p.exten], ['Channel', p.channel], ['From', p.from],
          ['Timeout', String(Math.max(0, p.timeoutSec - Math.floor((at - p.parkedMs) / 1000)))], ['Duration', String(Math.floor((at - p.parkedMs) / 1000))],
          ['CallerIDNum', p.callerIdNum], ['CallerIDName', p.callerIdName], ['ConnectedLineNum', ''], ['ConnectedLineName', ''],
        ]),
      )
      .join('')
  );
}
