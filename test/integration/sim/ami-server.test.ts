import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAmiSimulator, type AmiSimulator } from '../../../src-main/sim/ami/index.js';
import { clientActions, fixture, RawAmi, USERS } from './raw-ami.js';

/*
 * The simulator is checked against the real Asterisk 22 captures: a client replays what the real
 * client wrote and must get back what the real server sent, byte for byte except where the value
 * is a clock, a port or a session pointer.
 */

const VOLATILE = new Set(['Timestamp', 'Uptime', 'LastReload', 'EventTV', 'SessionTV', 'SessionID', 'LocalAddress', 'RemoteAddress']);

/** Splits a captured or received stream into its banner line and raw messages (each without its blank line). */
function split(stream: string): { banner: string; messages: string[] } {
  const eol = stream.indexOf('\r\n');
  const messages = stream.slice(eol + 2).split('\r\n\r\n');
  expect(messages.pop()).toBe('');
  return { banner: stream.slice(0, eol + 2), messages };
}

/** A message with clock/port/session values blanked, so the rest can be compared exactly. */
function stable(message: string): string {
  return message
    .split('\r\n')
    .map((line) => {
      const key = line.slice(0, line.indexOf(':'));
      return VOLATILE.has(key) ? `${key}: *` : line;
    })
    .join('\r\n');
}

describe('AMI simulator fidelity to Asterisk 22', () => {
  let sim: AmiSimulator;
  const clients: RawAmi[] = [];
  const client = () => {
    const c = new RawAmi(sim.port);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startAmiSimulator({ users: USERS, loginFailureDelayMs: 150 });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await sim.close();
  });

  it('greets with exactly the banner line and no blank line', async () => {
    const expected = split(fixture('01-login-ping-logoff.ami')).banner;
    expect(expected).toBe('Asterisk Call Manager/11.0.0\r\n');
    const c = client();
    await c.until((x) => x.received.length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.received).toBe(expected);
    expect(c.closed).toBe(false);
  });

  it('answers the raw `Events: off` session of capture 17 with the same responses, and no events', async () => {
    const real = split(fixture('17-raw-events-off.ami'));
    // The capture also holds call events caused by another connection; the responses are this client's.
    const responses = real.messages.filter((m) => m.startsWith('Response:'));
    expect(responses).toHaveLength(5);
    const c = client();
    for (const action of clientActions('17-raw-events-off.client.ami')) await c.write(action.text);
    await c.until((x) => x.closed);
    const got = split(c.received);
    expect(got.banner).toBe(real.banner);
    expect(got.messages.map(stable)).toEqual(responses.map(stable));
    // Exact bytes where nothing is volatile: the login answer, `Events: On`, the goodbye.
    expect(got.messages[0]).toBe(responses[0]);
    expect(got.messages[2]).toBe(responses[2]);
    expect(got.messages[4]).toBe(responses[4]);
    expect(got.messages[1]).toMatch(/\r\nTimestamp: \d{10}\.\d{6}$/);
  });

  it('reads actions split at every byte, and LF-only lines as Asterisk does', async () => {
    const c = client();
    for (const ch of 'Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nEvents: off\r\nActionID: s-1\r\n\r\n') await c.write(ch);
    await c.write('action: ping\nactionid: s-2\n\n');
    await c.until((x) => x.messageCount() >= 2);
    const got = split(c.received).messages;
    expect(got[0]).toBe('Response: Success\r\nActionID: s-1\r\nMessage: Authentication accepted');
    expect(stable(got[1]!)).toBe('Response: Success\r\nActionID: s-2\r\nPing: Pong\r\nTimestamp: *');
  });

  it('logs in with events on when the client sends the package’s ignored `Event: on` (capture 01)', async () => {
    const expected = split(fixture('01-login-ping-logoff.ami')).messages;
    const actions = clientActions('01-login-ping-logoff.client.ami').map((a) => a.text);
    expect(expected.map((m) => m.split('\r\n')[0])).toEqual([
      'Response: Success',
      'Event: FullyBooted',
      'Event: SuccessfulAuth',
      'Response: Success',
      'Response: Success',
      'Response: Goodbye',
    ]);
    const c = client();
    await c.write(actions[0]!);
    await c.until((x) => x.messageCount() >= 3);
    for (const action of actions.slice(1)) await c.write(action);
    await c.until((x) => x.closed);
    expect(split(c.received).messages.map(stable)).toEqual(expected.map(stable));
  });

  it('refuses a wrong secret after the delay with the captured bytes, then hangs up (capture 02, conn 2)', async () => {
    const c = client();
    const started = performance.now();
    await c.write(fixture('02-login-failed.conn2.client.ami'));
    await c.until((x) => x.closed);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(c.received).toBe(fixture('02-login-failed.conn2.ami'));
  });

  it('refuses an unknown user the same way (capture 02, conn 3)', async () => {
    const c = client();
    await c.write(fixture('02-login-failed.conn3.client.ami'));
    await c.until((x) => x.closed);
    expect(c.received).toBe(fixture('02-login-failed.conn3.ami'));
  });

  it('ignores whatever a refused client sends during the delay', async () => {
    const c = client();
    await c.write('Action: Login\r\nUsername: operator\r\nSecret: bad\r\n\r\nAction: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nActionID: 2\r\n\r\n');
    await c.until((x) => x.closed);
    expect(split(c.received).messages).toEqual(['Response: Error\r\nMessage: Authentication failed']);
  });

  it('tells other logged-in sessions about refused logins, like capture 02', async () => {
    const real = split(fixture('02-login-failed.ami')).messages;
    const watcher = client();
    await watcher.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\n\r\n');
    await watcher.until((x) => x.messageCount() >= 3);
    const already = watcher.messageCount();
    const wrong = client();
    await wrong.write(fixture('02-login-failed.conn2.client.ami'));
    const unknown = client();
    await unknown.write(fixture('02-login-failed.conn3.client.ami'));
    await watcher.until((x) => x.messageCount() >= already + 2);
    const events = split(watcher.received).messages.slice(already);
    const keys = (m: string) => m.split('\r\n').map((line) => line.slice(0, line.indexOf(':')));
    const realInvalidPassword = real.find((m) => m.startsWith('Event: InvalidPassword'))!;
    const realInvalidAccount = real.find((m) => m.startsWith('Event: InvalidAccountID'))!;
    const password = events.find((m) => m.startsWith('Event: InvalidPassword'))!;
    const account = events.find((m) => m.startsWith('Event: InvalidAccountID'))!;
    expect(keys(password)).toEqual(keys(realInvalidPassword));
    expect(keys(account)).toEqual(keys(realInvalidAccount));
    expect(stable(password)).toBe(stable(realInvalidPassword));
    expect(stable(account)).toBe(stable(realInvalidAccount));
    await wrong.until((x) => x.closed);
    await unknown.until((x) => x.closed);
  });

  it('answers an unknown action with the captured error text and a RequestBadFormat event (capture 03)', async () => {
    const real = split(fixture('03-errors-unknown-action.ami')).messages;
    const realError = real.find((m) => m.includes('ActionID: 03-errors-unknown-action-6'))!;
    const realEvent = real.find((m) => m.startsWith('Event: RequestBadFormat'))!;
    const [login, fooBar] = clientActions('03-errors-unknown-action.client.ami').map((a) => a.text);
    const c = client();
    await c.write(login!);
    await c.until((x) => x.messageCount() >= 3);
    const before = c.messageCount();
    await c.write(fooBar!);
    await c.until((x) => x.messageCount() >= before + 2);
    const got = split(c.received).messages.slice(before);
    expect(got[0]).toBe(realError);
    expect(stable(got[1]!)).toBe(stable(realEvent));
  });

  it('refuses actions before login with Permission denied and stays open; Logoff works before login', async () => {
    const c = client();
    await c.write('Action: Ping\r\nActionID: early\r\n\r\nAction: FooBar\r\n\r\n');
    await c.until((x) => x.messageCount() >= 2);
    expect(split(c.received).messages).toEqual([
      'Response: Error\r\nActionID: early\r\nMessage: Permission denied',
      'Response: Error\r\nMessage: Permission denied',
    ]);
    expect(c.closed).toBe(false);
    await c.write('Action: Logoff\r\n\r\n');
    await c.until((x) => x.closed);
    expect(split(c.received).messages[2]).toBe('Response: Goodbye\r\nMessage: Thanks for all the fish.');
  });

  it('omits ActionID when the client sent none, and answers a frame without Action', async () => {
    const c = client();
    await c.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nEvents: off\r\n\r\nAction: Ping\r\n\r\nActionID: lonely\r\n\r\n');
    await c.until((x) => x.messageCount() >= 3);
    const got = split(c.received).messages;
    expect(got[0]).toBe('Response: Success\r\nMessage: Authentication accepted');
    expect(stable(got[1]!)).toBe('Response: Success\r\nPing: Pong\r\nTimestamp: *');
    expect(got[2]).toBe('Response: Error\r\nActionID: lonely\r\nMessage: Missing action in request');
  });

  it('close() ends every open connection', async () => {
    const own = await startAmiSimulator({ users: USERS });
    const a = new RawAmi(own.port);
    const b = new RawAmi(own.port);
    await a.until((x) => x.received.length > 0);
    await b.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\n\r\n');
    await b.until((x) => x.messageCount() >= 1);
    await own.close();
    await a.until((x) => x.closed);
    await b.until((x) => x.closed);
  });
});
