import { describe, expect, test } from 'vitest';
import type { FieldIssue } from '../../../src-shared/errors.js';
import { siteInputSchema, siteTestSchema, siteUpdateSchema } from '../../../src-shared/schemas/site.js';
import { toFieldIssues } from '../../../src-main/ipc/validation.js';

const VALID = {
  name: 'Head office',
  vendor: 'issabel',
  timeZone: 'Europe/Madrid',
  api: { baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin', secret: 'api-secret' },
  ami: { host: 'pbx.example.com', port: 5038, username: 'switchboard', secret: 'ami-secret' },
  tls: { pinnedFingerprint256: null },
};

type Site = typeof VALID;

function withApi(api: Partial<Site['api']>): Record<string, unknown> {
  return { ...VALID, api: { ...VALID.api, ...api } };
}
function withAmi(ami: Record<string, unknown>): Record<string, unknown> {
  return { ...VALID, ami: { ...VALID.ami, ...ami } };
}

/** The issues as main sends them back (and as the form shows them): field path + catalogue key. */
function issuesOf(input: unknown): FieldIssue[] {
  const result = siteInputSchema.safeParse(input);
  if (result.success) return [];
  return toFieldIssues(result.error);
}

describe('siteInputSchema', () => {
  test('accepts a complete site and trims what a person may pad with spaces', () => {
    const parsed = siteInputSchema.parse({
      ...VALID,
      name: '  Head office  ',
      api: { ...VALID.api, baseUrl: ' https://pbx.example.com/pbxapi/ ' },
      ami: { ...VALID.ami, host: ' pbx.example.com ', username: ' switchboard ' },
    });
    expect(parsed.name).toBe('Head office');
    expect(parsed.api?.baseUrl).toBe('https://pbx.example.com/pbxapi/');
    expect(parsed.ami?.host).toBe('pbx.example.com');
    expect(parsed.ami?.username).toBe('switchboard');
  });

  test('accepts IP literals as AMI host and an http base URL', () => {
    for (const host of ['192.168.1.10', '::1', '[fe80::1]', 'pbx-01.local']) {
      expect(issuesOf(withAmi({ host }))).toEqual([]);
    }
    expect(issuesOf(withApi({ baseUrl: 'http://10.0.0.5:8080/pbxapi/' }))).toEqual([]);
  });

  test.each([
    ['missing', undefined, 'validation.required'],
    ['empty', '', 'validation.required'],
    ['only spaces', '   ', 'validation.required'],
    ['too long', 'x'.repeat(81), 'validation.tooLong'],
    ['with a newline', 'Head\noffice', 'validation.controlCharacters'],
  ])('a name that is %s is reported on name', (_label, name, message) => {
    expect(issuesOf({ ...VALID, name })).toEqual([{ path: 'name', message }]);
  });

  test.each([
    ['ftp://pbx.example.com/', 'an ftp URL'],
    ['not a url', 'not a URL'],
    ['https://admin:secret@pbx.example.com/', 'a URL with user:pass@'],
    ['https://admin@pbx.example.com/', 'a URL with a user'],
    ['javascript:alert(1)', 'a javascript: URL'],
  ])('base URL %s (%s) is reported on api.baseUrl', (baseUrl) => {
    expect(issuesOf(withApi({ baseUrl }))).toEqual([{ path: 'api.baseUrl', message: 'validation.baseUrl' }]);
  });

  test('an empty base URL or host is reported once, as required', () => {
    expect(issuesOf(withApi({ baseUrl: '  ' }))).toEqual([{ path: 'api.baseUrl', message: 'validation.required' }]);
    expect(issuesOf(withAmi({ host: '' }))).toEqual([{ path: 'ami.host', message: 'validation.required' }]);
    expect(issuesOf(withAmi({ host: '   ' }))).toEqual([{ path: 'ami.host', message: 'validation.required' }]);
  });

  test.each([0, 70000, 1.5, -1, '5038', Number.NaN])('AMI port %s is reported on ami.port', (port) => {
    expect(issuesOf(withAmi({ port }))).toEqual([{ path: 'ami.port', message: 'validation.port' }]);
  });

  test.each([1, 5038, 65535])('AMI port %s is accepted', (port) => {
    expect(issuesOf(withAmi({ port }))).toEqual([]);
  });

  test.each([
    ['pbx example.com', 'a space'],
    ['pbx.example.com/ami', 'a path'],
    ['pbx.example.com:5038', 'a port'],
    ['https://pbx.example.com', 'a scheme'],
    ['-pbx.example.com', 'a leading dash'],
  ])('AMI host %s (%s) is reported on ami.host', (host) => {
    expect(issuesOf(withAmi({ host }))).toEqual([{ path: 'ami.host', message: 'validation.host' }]);
  });

  test.each([
    ['ami.username', withAmi({ username: 'admin\r\nAction: Originate' })],
    ['ami.username', withAmi({ username: 'admin\n' })],
    ['ami.secret', withAmi({ secret: 'pw\r\nAction: Logoff' })],
    ['api.username', withApi({ username: 'admin\r\nX-Injected: 1' })],
    ['api.secret', withApi({ secret: 'pw\n' })],
  ])('CR/LF in %s is reported as control characters', (path, input) => {
    expect(issuesOf(input)).toEqual([{ path, message: 'validation.controlCharacters' }]);
  });

  test('an empty secret is refused (absent means "keep the stored one")', () => {
    expect(issuesOf(withAmi({ secret: '' }))).toEqual([{ path: 'ami.secret', message: 'validation.required' }]);
    const { secret: _omitted, ...amiWithoutSecret } = VALID.ami;
    expect(issuesOf({ ...VALID, ami: amiWithoutSecret })).toEqual([]);
  });

  test.each(['Mars/Olympus_Mons', '', 'UTC+2', 'Europe/'])('time zone %j is reported on timeZone', (timeZone) => {
    expect(issuesOf({ ...VALID, timeZone })).toEqual([{ path: 'timeZone', message: 'validation.timeZone' }]);
  });

  test('an unknown vendor is reported on vendor', () => {
    expect(issuesOf({ ...VALID, vendor: 'freepbx' })).toEqual([{ path: 'vendor', message: 'validation.vendor' }]);
  });

  test('vendor asterisk with an api block is reported on api', () => {
    expect(issuesOf({ ...VALID, vendor: 'asterisk' })).toEqual([{ path: 'api', message: 'validation.apiNotAvailable' }]);
    expect(issuesOf({ ...VALID, vendor: 'asterisk', api: null })).toEqual([]);
  });

  test('vendor asterisk without AMI is reported on ami', () => {
    expect(issuesOf({ ...VALID, vendor: 'asterisk', api: null, ami: null })).toEqual([
      { path: 'ami', message: 'validation.amiRequired' },
    ]);
  });

  test('vendor issabel without api is reported on api; without AMI it is fine', () => {
    expect(issuesOf({ ...VALID, api: null })).toEqual([{ path: 'api', message: 'validation.apiRequired' }]);
    expect(issuesOf({ ...VALID, ami: null })).toEqual([]);
  });

  test('a vendor that logs in with a user name needs one; SARK may go without', () => {
    expect(issuesOf(withApi({ username: '' }))).toEqual([{ path: 'api.username', message: 'validation.required' }]);
    expect(issuesOf({ ...VALID, vendor: 'sark', api: { baseUrl: VALID.api.baseUrl, username: '' } })).toEqual([]);
  });

  test('a pinned fingerprint must be a SHA-256 in colon-separated upper-case hex', () => {
    const good = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
    expect(issuesOf({ ...VALID, tls: { pinnedFingerprint256: good } })).toEqual([]);
    expect(issuesOf({ ...VALID, tls: { pinnedFingerprint256: good.toLowerCase() } })).toEqual([
      { path: 'tls.pinnedFingerprint256', message: 'validation.fingerprint' },
    ]);
  });

  test('unknown extra keys are refused, not silently dropped', () => {
    expect(issuesOf({ ...VALID, password: 'sneaky' })).toEqual([{ path: '', message: 'validation.unknownField' }]);
  });

  test('several problems are reported together, each on its own field', () => {
    const issues = issuesOf({ ...VALID, name: '', timeZone: 'Nowhere/City', ami: { ...VALID.ami, port: 0, host: 'a b' } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'validation.required' },
        { path: 'timeZone', message: 'validation.timeZone' },
        { path: 'ami.port', message: 'validation.port' },
        { path: 'ami.host', message: 'validation.host' },
      ]),
    );
    expect(issues).toHaveLength(4);
  });

  test('every message the schema itself writes is a catalogue key', () => {
    const inputs: unknown[] = [
      { ...VALID, name: undefined },
      withApi({ baseUrl: 'ftp://x' }),
      withAmi({ port: 0 }),
      withAmi({ host: 'a b' }),
      withAmi({ username: 'a\nb' }),
      { ...VALID, timeZone: 'Nowhere/City' },
      { ...VALID, vendor: 'asterisk' },
      { ...VALID, api: null },
    ];
    for (const input of inputs) {
      const result = siteInputSchema.safeParse(input);
      expect(result.success).toBe(false);
      for (const issue of result.error?.issues ?? []) expect(issue.message).toMatch(/^validation\./);
    }
  });
});

describe('request schemas built on the site', () => {
  test('update needs a well-formed id besides the site', () => {
    expect(siteUpdateSchema.safeParse({ id: 'site-1', site: VALID }).success).toBe(true);
    const bad = siteUpdateSchema.safeParse({ id: '../../etc', site: VALID });
    expect(bad.success).toBe(false);
    expect(bad.error && toFieldIssues(bad.error)).toEqual([{ path: 'id', message: 'validation.invalidId' }]);
  });

  test('test reports nested site issues with their full path', () => {
    const bad = siteTestSchema.safeParse({ site: { ...VALID, ami: { ...VALID.ami, port: 0 } } });
    expect(bad.error && toFieldIssues(bad.error)).toEqual([{ path: 'site.ami.port', message: 'validation.port' }]);
  });
});
