import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { SimRequest, SimResponse } from '../http/http-sim.js';
import type { SarkAction } from './context.js';
import { expectsJson, json, phpNotice } from './laravel.js';
import type { SarkState, SarkToken, SarkUser } from './state.js';
import { summarize, validate } from './validation.js';

/*
 * sark6api_L11's login (AuthController + Sanctum 4 personal access tokens). A login answers
 * `{"accessToken": "<id>|<40 random chars + crc32b>", "token_type": "Bearer"}` and first deletes every
 * token the user had, so a second client logging in with the same account silently logs the first
 * one out. Tokens never expire. Admin users get the `admin:isAdmin` ability; the business routes are
 * only registered for admin tokens (`get_token_abilities()` runs while routes/api.php loads).
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Str::random(40) + hash('crc32b', …), Sanctum 4's plain-text token. */
function plainToken(): string {
  const bytes = randomBytes(40);
  let entropy = '';
  for (const b of bytes) entropy += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return entropy + crc32(entropy).toString(16).padStart(8, '0');
}

/** `Request::bearerToken()` (Laravel 11: the text after the last `Bearer `, up to a comma). */
export function bearerToken(request: SimRequest): string | undefined {
  const header = String(request.headers.authorization ?? '');
  const at = header.toLowerCase().lastIndexOf('bearer ');
  if (at < 0) return undefined;
  const token = header.slice(at + 7);
  const comma = token.indexOf(',');
  return comma >= 0 ? token.slice(0, comma) : token;
}

export interface Authenticated {
  user: SarkUser;
  token: SarkToken;
}

/** Sanctum's guard: `<id>|<plain>` looked up by id and compared by hash; a token without `|` by hash alone. */
export function authenticate(state: SarkState, token: string | undefined): Authenticated | undefined {
  if (token === undefined || token === '') return undefined;
  const bar = token.indexOf('|');
  let found: SarkToken | undefined;
  if (bar < 0) {
    const hash = sha256(token);
    found = [...state.tokens.values()].find((t) => t.hash === hash);
  } else {
    const candidate = state.tokens.get(Number(token.slice(0, bar)));
    if (candidate && candidate.hash === sha256(token.slice(bar + 1))) found = candidate;
  }
  const user = found && state.users.find((u) => u.id === found.userId);
  return found && user ? { user, token: found } : undefined;
}

/**
 * Helper::get_token_abilities(): splits the bearer token on `|` and hashes part 1 (a token without
 * one is an "Undefined array key 1" warning, so a 500), then looks the hash up with no regard to the id.
 */
export function tokenIsAdmin(state: SarkState, token: string | undefined): boolean {
  if (token === undefined) return false;
  const bits = token.split('|');
  if (bits.length < 2) throw phpNotice('Undefined array key 1', '/opt/sark6api/app/Helpers/Helper.php', 19);
  const hash = sha256(bits[1]!);
  const row = [...state.tokens.values()].find((t) => t.hash === hash);
  return row?.abilities.some((a) => a.includes('isAdmin')) ?? false;
}

/** `POST /api/auth/login`. */
export const login: SarkAction = (call) => {
  const { state } = call.box;
  const errors = validate(
    call.input.all,
    [
      ['email', ['required', 'string', 'email']],
      ['password', ['required', 'string']],
      ['remember_me', ['boolean']],
    ],
    { generation: call.box.settings.generation },
  );
  if (!errors.isEmpty) {
    // $request->validate(): the standard wrapper for JSON clients, a redirect back for browsers.
    if (expectsJson(call.request)) return json(422, { message: summarize(errors), errors: errors.toJSON() });
    return { status: 302, headers: { Location: String(call.request.headers.referer ?? '/'), 'Content-Type': 'text/html; charset=UTF-8' }, body: '' };
  }
  const user = state.users.find((u) => u.email === call.input.all.email && u.password === call.input.all.password);
  if (!user) return json(401, { message: 'Unauthorized' });
  for (const [id, token] of state.tokens) if (token.userId === user.id) state.tokens.delete(id);
  const plain = plainToken();
  const id = state.nextTokenId++;
  state.tokens.set(id, { id, userId: user.id, hash: sha256(plain), abilities: user.admin ? ['admin:isAdmin'] : ['*'] });
  return json(200, { accessToken: `${id}|${plain}`, token_type: 'Bearer' });
};

/** `GET /api/auth/logout`: every token of the user goes. */
export const logout: SarkAction = (call) => {
  const { state } = call.box;
  for (const [id, token] of state.tokens) if (token.userId === call.user!.id) state.tokens.delete(id);
  return json(200, { message: 'Successfully logged out' });
};

/** `GET /api/auth/myuser` (and whoami): the User model, password hidden. */
export const whoami: SarkAction = (call) => {
  const u = call.user!;
  return json(200, { id: u.id, name: u.name, email: u.email, email_verified_at: null, role: u.admin ? 'isAdmin' : null, endpoint: null, created_at: u.createdAt, updated_at: u.createdAt });
};

/** Laravel 11's `/up` health page. */
export function healthPage(): SimResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-cache, private' },
    body: '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Laravel</title>\n</head>\n<body>\n<div>Application up</div>\n</body>\n</html>\n',
  };
}
