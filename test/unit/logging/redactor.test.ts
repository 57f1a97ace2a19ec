import { describe, expect, test } from 'vitest';
import { Redactor } from '../../../src-main/logging/redactor.js';

describe('Redactor.value (structured context)', () => {
  test.each(['secret', 'password', 'passwd', 'pwd', 'token', 'accessToken', 'authorization', 'Authorization', 'apiKey', 'api_key', 'x-api-key', 'cookie', 'amiSecret'])(
    'a field named %s is redacted',
    (key) => {
      expect(new Redactor().value({ [key]: 'value-that-must-not-leak', user: 'alice' })).toEqual({
        [key]: '[redacted]',
        user: 'alice',
      });
    },
  );

  test('sensitive fields are redacted inside nested objects and arrays; everything else is kept', () => {
    const out = new Redactor().value({
      site: 'Head office',
      request: { headers: { Authorization: 'Basic YWRtaW46cGFzcw==', accept: 'application/json' }, port: 5038 },
      attempts: [{ user: 'admin', password: 'p4ssw0rd!' }, { user: 'ops', token: 'tok-123456' }],
    });
    expect(out).toEqual({
      site: 'Head office',
      request: { headers: { Authorization: '[redacted]', accept: 'application/json' }, port: 5038 },
      attempts: [
        { user: 'admin', password: '[redacted]' },
        { user: 'ops', token: '[redacted]' },
      ],
    });
  });

  test('a sensitive field holding an object is redacted whole', () => {
    expect(new Redactor().value({ secret: { value: 'abcdef', hint: 'x' } })).toEqual({ secret: '[redacted]' });
  });

  test('a sensitive field that is empty (null/undefined) stays visibly empty', () => {
    expect(new Redactor().value({ password: null, token: undefined })).toEqual({ password: null, token: undefined });
  });

  test('remembered secret values are scrubbed from any string field and from errors', () => {
    const r = new Redactor();
    r.remember('s3cr3t-ami');
    const out = r.value({
      detail: 'Authentication failed for admin/s3cr3t-ami',
      list: ['ok', 'echo s3cr3t-ami'],
      error: new Error('bad login s3cr3t-ami'),
    });
    expect(out).toEqual({
      detail: 'Authentication failed for admin/[redacted]',
      list: ['ok', 'echo [redacted]'],
      error: 'Error: bad login [redacted]',
    });
  });

  test('deeply nested objects never come back unredacted', () => {
    const r = new Redactor();
    r.remember('deep-secret-value');
    let nested: Record<string, unknown> = { password: 'p4ssw0rd!', note: 'deep-secret-value' };
    for (let i = 0; i < 10; i++) nested = { level: nested };
    const json = JSON.stringify(r.value(nested));
    expect(json).not.toContain('p4ssw0rd!');
    expect(json).not.toContain('deep-secret-value');
  });

  test('a context with a cycle can be serialised after redaction', () => {
    const ctx: Record<string, unknown> = { name: 'loop' };
    ctx.self = ctx;
    expect(() => JSON.stringify(new Redactor().value(ctx))).not.toThrow();
  });
});

describe('Redactor.text (free text)', () => {
  test('scrubs every occurrence of every remembered secret', () => {
    const r = new Redactor();
    r.remember('alpha-secret');
    r.remember('beta-secret');
    expect(r.text('alpha-secret then beta-secret then alpha-secret')).toBe('[redacted] then [redacted] then [redacted]');
  });

  test('leaves text alone when it holds no secret', () => {
    const r = new Redactor();
    r.remember('alpha-secret');
    expect(r.text('Call from 600123456 to 201 answered')).toBe('Call from 600123456 to 201 answered');
  });

  test('a secret that starts with another remembered secret is scrubbed whole, in either order', () => {
    const shortFirst = new Redactor();
    shortFirst.remember('pass1234');
    shortFirst.remember('pass1234-and-more');
    expect(shortFirst.text('login pass1234-and-more failed')).toBe('login [redacted] failed');

    const longFirst = new Redactor();
    longFirst.remember('pass1234-and-more');
    longFirst.remember('pass1234');
    expect(longFirst.text('login pass1234-and-more failed')).toBe('login [redacted] failed');
  });

  test('very short values are not scrubbed, so ordinary text is not shredded', () => {
    const r = new Redactor();
    r.remember('201');
    expect(r.text('extension 201 is ringing')).toBe('extension 201 is ringing');
  });
});
