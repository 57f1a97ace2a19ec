import { connect, type Socket } from 'node:net';
import { AppError } from '../../src-shared/errors.js';
import { socketError } from '../net/socket-errors.js';
import { amiHeader, AmiFrameParser, type AmiMessage } from './frame-parser.js';
import { writeAmiAction } from './frame-writer.js';

export interface AmiProbeTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Whole exchange budget; Asterisk delays a failed login by about a second. */
  timeoutMs?: number;
}

export interface AmiProbeResult {
  banner: string;
  latencyMs: number;
}

const ACTION_ID = 'switchboard-probe-1';
const BANNER = /^Asterisk Call Manager\/\d/;

/**
 * The real AMI greeting and Login exchange, on a connection of its own, with events off. Tells a
 * refused login (AUTH_FAILED), a host that cannot be reached (UNREACHABLE), one that does not answer
 * (TIMEOUT) and a peer that is not AMI (PBX_ERROR) apart, and logs off politely on success.
 */
export async function probeAmi(target: AmiProbeTarget): Promise<AmiProbeResult> {
  // async: a refused value (CR/LF in a credential) must reject the promise, not throw at the caller.
  const where = `${target.host}:${target.port}`;
  const login = writeAmiAction([
    ['Action', 'Login'],
    ['ActionID', ACTION_ID],
    ['Username', target.username],
    ['Secret', target.secret],
    ['Events', 'off'],
  ]);
  const started = performance.now();

  return new Promise<AmiProbeResult>((resolve, reject) => {
    const parser = new AmiFrameParser();
    let banner: string | undefined;
    let settled = false;
    // The form accepts IPv6 in brackets, as in URLs; sockets want the bare address.
    const socket: Socket = connect({ host: target.host.replace(/^\[(.*)\]$/, '$1'), port: target.port });
    socket.setEncoding('utf8');

    const finish = (err: AppError | null, result?: AmiProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.end(writeAmiAction([['Action', 'Logoff']]));
        socket.setTimeout(1000, () => socket.destroy());
        resolve(result!);
      }
    };

    const timer = setTimeout(() => {
      const stage = banner === undefined ? 'no AMI greeting' : 'no answer to Login';
      finish(new AppError('TIMEOUT', `${where}: ${stage} within ${target.timeoutMs ?? 8000} ms`, { where, stage }));
    }, target.timeoutMs ?? 8000);

    const onMessage = (message: AmiMessage) => {
      if (amiHeader(message, 'ActionID') !== ACTION_ID) return;
      const response = amiHeader(message, 'Response');
      const text = amiHeader(message, 'Message') ?? '';
      if (response === 'Success') {
        finish(null, { banner: banner ?? '', latencyMs: performance.now() - started });
      } else if (/authentication/i.test(text)) {
        finish(new AppError('AUTH_FAILED', `${where} refused the AMI login: ${text}`, { where }));
      } else {
        finish(new AppError('PBX_ERROR', `${where} answered Login with ${response ?? 'no response'}: ${text}`, { where }));
      }
    };

    socket.on('data', (chunk: string) => {
      let items;
      try {
        items = parser.push(chunk);
      } catch (err) {
        finish(new AppError('PBX_ERROR', `${where} sent an unreadable AMI stream: ${(err as Error).message}`, { where }));
        return;
      }
      for (const item of items) {
        if (item.kind === 'banner') {
          if (!BANNER.test(item.text)) {
            finish(new AppError('PBX_ERROR', `${where} is not an Asterisk Manager Interface`, { where, greeting: item.text.slice(0, 80) }));
            return;
          }
          banner = item.text;
          socket.write(login);
        } else {
          onMessage(item.message);
        }
      }
    });
    socket.on('error', (err) => finish(socketError(err, where)));
    socket.on('close', () => {
      const stage = banner === undefined ? 'before the AMI greeting' : 'before answering Login';
      finish(new AppError('PBX_ERROR', `${where} closed the connection ${stage}`, { where, stage }));
    });
  });
}
