import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * HS256 tokens the way pbxapi makes and checks them (firebase/php-jwt): header
 * `{"typ":"JWT","alg":"HS256"}`, base64url without padding, and decode() failing in php-jwt's order:
 * segments, encoding, algorithm, signature, then `iat` in the future, then expiry. Only "Expired
 * token" is special to the API (answered 200 `{"status": "expired"}`); every other failure is a 403.
 * A token is really signed, so a client can neither forge one nor keep one past its `exp`.
 */

export interface JwtPayload {
  iat: number;
  exp: number;
  data: unknown;
}

export type JwtDecoded = { ok: true; payload: JwtPayload } | { ok: false; error: string };

const HEADER = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'HS256' })).toString('base64url');

function signature(input: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

export function encodeJwt(payload: JwtPayload, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const input = `${HEADER}.${body}`;
  return `${input}.${signature(input, key).toString('base64url')}`;
}

function jsonSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** JWT::decode($jwt, $key, ['HS256']) with JWT::$leeway = `leewayS`, at `nowS`. */
export function decodeJwt(token: string | undefined, key: Buffer, nowS: number, leewayS = 0): JwtDecoded {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return { ok: false, error: 'Wrong number of segments' };
  const [head64, body64, sig64] = parts as [string, string, string];
  const header = jsonSegment(head64) as { alg?: unknown } | undefined;
  if (header === undefined || header === null || typeof header !== 'object') return { ok: false, error: 'Invalid header encoding' };
  const payload = jsonSegment(body64) as Partial<JwtPayload> | undefined;
  if (payload === undefined || payload === null || typeof payload !== 'object') return { ok: false, error: 'Invalid claims encoding' };
  if (!header.alg) return { ok: false, error: 'Empty algorithm' };
  if (header.alg !== 'HS256') return { ok: false, error: 'Algorithm not allowed' };
  const expected = signature(`${head64}.${body64}`, key);
  const given = /^[A-Za-z0-9_-]*$/.test(sig64) ? Buffer.from(sig64, 'base64url') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, error: 'Signature verification failed' };
  if (typeof payload.iat === 'number' && payload.iat > nowS + leewayS) return { ok: false, error: `Cannot handle token prior to ${payload.iat}` };
  if (typeof payload.exp === 'number' && nowS - leewayS >= payload.exp) return { ok: false, error: 'Expired token' };
  return { ok: true, payload: payload as JwtPayload };
}
