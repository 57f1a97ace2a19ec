import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import type { AppInfo } from '../../../src-shared/domain/app.js';
import type { SiteView } from '../../../src-shared/domain/site.js';
import { REQUEST_NAMES } from '../../../src-shared/contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { MAX_REQUEST_BYTES } from '../../../src-shared/limits.js';
import { createDispatcher, type Dispatch } from '../../../src-main/ipc/dispatcher.js';
import type { Handlers } from '../../../src-main/ipc/handlers.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { tempDir } from '../../support/temp-dir.js';

const INFO: AppInfo = { version: '0.1.0', mode: 'host', secretProtection: 'key-file', dataDir: '/data', problems: [] };

const VIEW: SiteView = {
  id: 'site-1',
  name: 'Head office',
  vendor: 'asterisk',
  timeZone: 'UTC',
  api: null,
  ami: { host: 'pbx', port: 5038, username: 'admin', context: 'from-internal', secretSet: true },
  tls: { pinnedFingerprint256: null },
  demo: false,
  createdAt: 1,
  updatedAt: 1,
};

const SITE = {
  name: '  Head office  ',
  vendor: 'asterisk',
  timeZone: 'UTC',
  api: null,
  ami: { host: 'pbx', port: 5038, username: 'admin', secret: 'ami-pw-777' },
  tls: { pinnedFingerprint256: null },
};

let calls: { name: string; params: unknown }[];
let dispatch: Dispatch;
let logFile: string;
let redactor: Redactor;

/**
 * A complete handler map that records what reached it: every request answers null unless one below
 * says otherwise; a few answer with errors on purpose.
 */
function handlers(): Handlers {
  const seen = <T>(name: string, params: unknown, value: T): T => {
    calls.push({ name, params });
    return value;
  };
  const recordOnly = Object.fromEntries(REQUEST_NAMES.map((name) => [name, (p: unknown) => seen(name, p, null)])) as unknown as Handlers;
  return {
    ...recordOnly,
    'app:get-info': (p) => seen('app:get-info', p, INFO),
    'app:ping': (p) => seen('app:ping', p, { echo: p.echo }),
    'diagnostics:collect': (p) => {
      seen('diagnostics:collect', p, null);
      throw new TypeError('cannot read properties of undefined (password ami-pw-777)');
    },
    'sites:list': async (p) => seen('sites:list', p, [VIEW]),
    'sites:get': (p) => {
      seen('sites:get', p, null);
      throw new AppError('NOT_FOUND', `No site with id ${p.id}`, { id: p.id });
    },
    'sites:create': (p) => seen('sites:create', p, { ...VIEW, name: p.name }),
    'sites:update': (p) => seen('sites:update', p, VIEW),
    'sites:remove': (p) => seen('sites:remove', p, { id: p.id }),
    'sites:test': (p) => seen('sites:test', p, { api: null, ami: null, testedAt: 1 }),
    'sites:list-statuses': (p) => seen('sites:list-statuses', p, []),
  };
}

beforeEach(() => {
  calls = [];
  logFile = join(tempDir(), 'switchboard.log');
  redactor = new Redactor();
  redactor.remember('ami-pw-777');
  dispatch = createDispatcher(handlers(), new FileLogger({ file: logFile, redactor, level: 'debug' }));
});

describe('createDispatcher', () => {
  test('a valid request reaches its handler and the answer comes back in an envelope', async () => {
    expect(await dispatch('app:ping', { echo: 'hello' }, 20)).toEqual({ result: { echo: 'hello' } });
    expect(await dispatch('sites:list', {}, 2)).toEqual({ result: [VIEW] });
    expect(calls.map((c) => c.name)).toEqual(['app:ping', 'sites:list']);
  });

  test('requests without params may omit them', async () => {
    expect(await dispatch('app:get-info', undefined, 0)).toEqual({ result: INFO });
  });

  test('the handler receives the validated, trimmed params', async () => {
    const envelope = await dispatch('sites:create', SITE, 200);
    expect(envelope).toEqual({ result: { ...VIEW, name: 'Head office' } });
    expect(calls[0].params).toMatchObject({ name: 'Head office' });
  });

  test('an unknown request is refused with VALIDATION before any handler runs', async () => {
    const envelope = await dispatch('sites:drop-all', {}, 2);
    expect(envelope.error).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: '', message: 'validation.unknownRequest' }] } });
    expect(await dispatch('toString', {}, 2)).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(await dispatch(42, {}, 2)).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(calls).toEqual([]);
  });

  test('a request over the size limit is refused with VALIDATION and never handled', async () => {
    const envelope = await dispatch('app:ping', { echo: 'x' }, MAX_REQUEST_BYTES + 1);
    expect(envelope.error).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: '', message: 'validation.tooLarge' }] } });
    expect(calls).toEqual([]);
  });

  test('invalid params are refused with field issues and never handled', async () => {
    const envelope = await dispatch('sites:create', { ...SITE, ami: { ...SITE.ami, port: 0 } }, 200);
    expect(envelope.result).toBeUndefined();
    expect(envelope.error?.code).toBe('VALIDATION');
    expect(envelope.error?.details?.issues).toEqual([{ path: 'ami.port', message: 'validation.port' }]);
    expect(await dispatch('app:ping', { echo: 'x', extra: true }, 30)).toMatchObject({
      error: { code: 'VALIDATION', details: { issues: [{ path: '', message: 'validation.unknownField' }] } },
    });
    expect(calls).toEqual([]);
  });

  test('an AppError from a handler comes back with its code and details', async () => {
    expect(await dispatch('sites:get', { id: 'site-9' }, 20)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No site with id site-9', details: { id: 'site-9' } },
    });
  });

  test('a crash becomes INTERNAL without its text; the log keeps the cause, redacted', async () => {
    const envelope = await dispatch('diagnostics:collect', {}, 2);
    expect(envelope).toEqual({ error: { code: 'INTERNAL', message: 'Internal error; see the log for details' } });
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('request diagnostics:collect crashed');
    expect(log).toContain('TypeError: cannot read properties of undefined');
    expect(log).not.toContain('ami-pw-777');
  });
});
