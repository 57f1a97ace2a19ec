import { type HttpSimServer, type SimRequest, type SimResponse, startHttpSim } from '../http/http-sim.js';
import { activeCall, channelStatusText, hardDrives, iptablesStatusBody, parkedCallsText, parseSipPeers, sipPeersText, systemResources } from './asterisk-cli.js';
import { cdrReport } from './cdr.js';
import { addExtension, deleteExtension, updateExtension, type WriteContext } from './extensions.js';
import { addFollowMe, deleteFollowMe, getFollowMe, updateFollowMe } from './follow-me.js';
import { apacheNotFound, isApiScript, phpJsonEncode, phpRawJson, phpRequest, phpText, POWERED_BY, SERVER, type PhpRequest } from './php.js';
import { readRecording } from './recordings.js';
import { generateSipAdditional, parseIniLikeElastix } from './sip-conf.js';
import { type ElastixState, seedState } from './state.js';

/*
 * The demo Elastix: `elastix-api` (101t/tarek-aec, HEAD 44e73cb) as installed at
 * /var/www/html/api on an Elastix 2.5 box, over HTTP or HTTPS on 127.0.0.1. `api.php` answers
 * `test` without `cmd` in the query, then `key not found` unless the request carries a header
 * spelled exactly `Authorization`, then `key not matched` unless it equals the key, then runs the
 * command or says `cmd not matched` -- all HTTP 200 text. Commands read their parameters from
 * `$_POST` (form bodies only), `getwavfile` from the query. See vendors/elastix.md.
 */

export interface ElastixSimOptions {
  /** Seed of the office, the call history and everything else random. Default 1. */
  seed?: number;
  /** The 50-character key hard-coded in api.php. Default: the README's example key. */
  key?: string;
  /** SIP extensions (default 200) numbered from `firstExtension` (default 100). */
  extensions?: number;
  firstExtension?: number;
  /** SIP trunks (default 2). */
  trunks?: number;
  /** Extensions with a follow-me row (default 5% of them). */
  followMes?: number;
  /** CDR rows (default 20000) over the last `cdrDays` days (default 90). */
  cdrs?: number;
  cdrDays?: number;
  /** A fixed clock (epoch ms) for repeatable data and answers; default the wall clock. */
  nowMs?: number;
  /** The box's offset from UTC in minutes (calldate, uptime); default 0. */
  utcOffsetMinutes?: number;
  /** Recorded calls that get a real WAV file in the dated layout (default 4), plus one in the flat layout. */
  recordings?: number;
  /** Calls in progress (two channels each) for `activecall`; default 3. */
  activeCalls?: number;
  /** The first user section of manager.conf (what `cmd=auth` discloses). Default Elastix's admin/elastix456. */
  ami?: { username: string; secret: string };
  tls?: { key: string; cert: string };
  port?: number;
  timing?: {
    /** How long `module_admin reload` (and retrieve_conf) holds a write's answer. Default 0. */
    reloadMs?: number;
    /** The API's AMI socket timeout, which every `channelstatus` waits out. Default 3000. */
    amiReadTimeoutMs?: number;
  };
}

export interface ElastixSimulator extends HttpSimServer {
  readonly key: string;
  /** The box's truth: tables, AstDB, conf, registrations, channels, CDRs, recordings. Mutable. */
  readonly state: ElastixState;
  /** `module_admin reload` runs so far. */
  reloads: number;
}

export const DEMO_KEY = 'kJBJzUqZ2W9THvW9vrFTEzXN7NNfDv9XyzENAn7teWDsZCcYHj';

type Command = (php: PhpRequest) => SimResponse | Promise<SimResponse>;

/** Files outside the spool that a path-traversal bug would hand out. */
function systemFiles(state: ElastixState): Map<string, Buffer> {
  return new Map([
    ['/etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/bash\nasterisk:x:100:101:Asterisk VoIP PBX:/var/lib/asterisk:/bin/bash\n')],
    ['/etc/asterisk/manager.conf', Buffer.from(`[general]\nenabled = yes\nport = 5038\nbindaddr = 0.0.0.0\n\n[${state.ami.username}]\nsecret = ${state.ami.secret}\ndeny=0.0.0.0/0.0.0.0\npermit=127.0.0.1/255.255.255.0\nread = system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan\nwrite = system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan\n`)],
    ['/var/www/html/api/api.php', Buffer.from(`<?php \ninclude dirname(__FILE__)."/main/asterisk.php";\n`)],
  ]);
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

const OK = {
  insert: '{"status": "INSERT OK", "code": 200}',
  update: '{"status": "UPDATE OK", "code": 200}',
  delete: '{"status": "DELETE OK", "code": 200}',
};

function commands(state: ElastixState, write: WriteContext, amiReadTimeoutMs: number): Record<string, Command> {
  const written = (body: string, run: (ctx: WriteContext, post: ReadonlyMap<string, string>) => Promise<void>): Command => {
    return async (php) => {
      await run(write, php.post);
      return phpRawJson(body);
    };
  };
  return {
    auth: () => phpJsonEncode({ lordword: Buffer.from(`${state.ami.username}:${state.ami.secret}`, 'utf8').toString('base64') }),
    sippeers: () => phpJsonEncode(parseSipPeers(sipPeersText(state))),
    sipextensions: () => phpJsonEncode(parseIniLikeElastix(state.sipConf)),
    activecall: () => phpJsonEncode(activeCall(state)),
    systemresources: () => phpJsonEncode(systemResources(state)),
    parkedcalls: () => phpText(parkedCallsText(state)),
    channelstatus: async () => {
      await sleep(amiReadTimeoutMs);
      return phpText(channelStatusText(state));
    },
    cdrreport: (php) => phpJsonEncode(cdrReport(state.cdrs, php.post)),
    getwavfile: (php): SimResponse => {
      const file = readRecording(php.get.get('name'), { recordings: state.recordings, system: systemFiles(state) });
      if (!file) {
        return {
          status: 404,
          statusText: 'Not Found',
          headers: { 'Content-Type': 'application/json', 'X-Powered-By': POWERED_BY, Server: SERVER },
          body: '{"status": "File not found", "code": 404}',
        };
      }
      return {
        status: 200,
        headers: {
          'Content-Disposition': `attachment; filename="${file.basename}"`,
          'Content-Length': String(file.bytes.length),
          'Content-Type': 'application/octet-stream;',
          'X-Powered-By': POWERED_BY,
          Server: SERVER,
        },
        body: file.bytes,
      };
    },
    getharddrivers: () => phpJsonEncode(hardDrives(state)),
    getiptablesstatus: () => phpRawJson(iptablesStatusBody(state)),
    addextension: written(OK.insert, addExtension),
    updateextension: written(OK.update, updateExtension),
    deleteextension: written(OK.delete, deleteExtension),
    addfollowmeextension: written(OK.insert, addFollowMe),
    updatefollowmeextension: written(OK.update, updateFollowMe),
    deletefollowmeextension: written(OK.delete, deleteFollowMe),
    getfollowmeextension: (php) => phpJsonEncode(getFollowMe(state, php.post)),
    getallfollowmeextensions: () => phpJsonEncode(state.findmefollow),
  };
}

export async function startElastixSimulator(options: ElastixSimOptions = {}): Promise<ElastixSimulator> {
  const extensions = options.extensions ?? 200;
  const state = seedState({
    seed: options.seed ?? 1,
    extensions,
    firstExtension: options.firstExtension ?? 100,
    trunks: options.trunks ?? 2,
    followMes: options.followMes ?? Math.round(extensions * 0.05),
    cdrs: options.cdrs ?? 20_000,
    cdrDays: options.cdrDays ?? 90,
    nowMs: options.nowMs ?? null,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    recordings: options.recordings ?? 4,
    activeCalls: options.activeCalls ?? 3,
    ami: options.ami ?? { username: 'admin', secret: 'elastix456' },
  });
  const key = options.key ?? DEMO_KEY;
  let reloads = 0;
  const write: WriteContext = {
    state,
    reload: async () => {
      await sleep(options.timing?.reloadMs ?? 0);
      state.sipConf = generateSipAdditional(state.sip);
      reloads++;
    },
  };
  const table = commands(state, write, options.timing?.amiReadTimeoutMs ?? 3000);

  const handle = async (request: SimRequest): Promise<SimResponse> => {
    if (!isApiScript(request.path)) return apacheNotFound(request);
    const php = phpRequest(request);
    const cmd = php.get.get('cmd');
    if (cmd === undefined) return phpText('test');
    if (php.authorization === undefined) return phpText('key not found');
    if (php.authorization !== key) return phpText('key not matched');
    const command = Object.hasOwn(table, cmd) ? table[cmd] : undefined;
    return command ? command(php) : phpText('cmd not matched');
  };

  const http = await startHttpSim({ handle, tls: options.tls, port: options.port });
  return {
    url: http.url,
    port: http.port,
    faults: http.faults,
    requests: http.requests,
    close: () => http.close(),
    key,
    state,
    get reloads() {
      return reloads;
    },
    set reloads(n: number) {
      reloads = n;
    },
  };
}
