import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '../../../src-shared/contract.js';
import type { Core } from '../../../src-main/core/create-core.js';
import { createHostCore } from '../../../src-main/host/host-core.js';
import type { Handlers } from '../../../src-main/ipc/handlers.js';

// The compiler refuses a handler map that misses a request or answers one with the wrong type;
// if either line below stopped being an error, `npm run typecheck` would fail on the directive.
// @ts-expect-error -- 'sites:test' and others are missing
const incomplete: Handlers = { 'app:ping': ({ echo }: { echo: string }) => ({ echo }) };
void incomplete;
type PingHandler = Handlers['app:ping'];
// @ts-expect-error -- app:ping must answer { echo: string }
const wrongResult: PingHandler = () => ({ pong: true });
void wrongResult;

describe('the contract', () => {
  let dir: string | undefined;
  let core: Core | undefined;
  afterEach(() => {
    core?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names every request as area:verb', () => {
    for (const name of REQUEST_NAMES) expect(name).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
  });

  it('answers every request it declares, and no other, through the real core', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-contract-'));
    core = createHostCore(dir);
    for (const name of REQUEST_NAMES) {
      // Empty params: either a result or a VALIDATION error, never "unknown request" or a crash.
      const envelope = await core.dispatch(name, {}, 2);
      if (envelope.error) {
        expect(envelope.error.code, name).toBe('VALIDATION');
        expect(envelope.error.details?.issues?.[0]?.message, name).not.toBe('validation.unknownRequest');
      }
    }
    const unknown = await core.dispatch('sites:explode', {}, 2);
    expect(unknown.error?.details?.issues?.[0]?.message).toBe('validation.unknownRequest');
  });
});
