import { isRequestName, requestSchemas, type RequestName } from '../../src-shared/contract.js';
import { AppError, type AppErrorShape, type Envelope } from '../../src-shared/errors.js';
import { MAX_REQUEST_BYTES } from '../../src-shared/limits.js';
import type { Logger } from '../logging/logger.js';
import type { Handlers } from './handlers.js';
import { validationError } from './validation.js';

/** Requests slower than this are logged, like slow queries. */
const SLOW_REQUEST_MS = 250;

export type Dispatch = (name: unknown, params: unknown, sizeBytes: number) => Promise<Envelope<unknown>>;

/**
 * The single entry for every request from either transport: check the name, the size and the params
 * against the shared schema before any handler runs, then wrap the answer in an envelope. Nothing a
 * renderer sends can throw past this function.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (name, params, sizeBytes) => {
    const started = performance.now();
    try {
      if (sizeBytes > MAX_REQUEST_BYTES) {
        throw new AppError('VALIDATION', `Request of ${sizeBytes} bytes exceeds the ${MAX_REQUEST_BYTES}-byte limit`, {
          issues: [{ path: '', message: 'validation.tooLarge' }],
        });
      }
      if (!isRequestName(name)) {
        throw new AppError('VALIDATION', `Unknown request ${JSON.stringify(String(name).slice(0, 64))}`, {
          issues: [{ path: '', message: 'validation.unknownRequest' }],
        });
      }
      const result = await run(handlers, name, params);
      const elapsed = performance.now() - started;
      if (elapsed > SLOW_REQUEST_MS) log.warn('slow request', { name, ms: Math.round(elapsed) });
      return { result };
    } catch (err) {
      return { error: toErrorShape(err, typeof name === 'string' ? name : '?', log) };
    }
  };
}

async function run<N extends RequestName>(handlers: Handlers, name: N, params: unknown): Promise<unknown> {
  const parsed = requestSchemas[name].safeParse(params ?? {});
  if (!parsed.success) throw validationError(parsed.error, `${name} params`);
  const handler = handlers[name] as (p: unknown) => unknown;
  return await handler(parsed.data);
}

function toErrorShape(err: unknown, name: string, log: Logger): AppErrorShape {
  if (err instanceof AppError) {
    if (err.code === 'INTERNAL') log.error(`request ${name} failed`, { message: err.message });
    else log.debug(`request ${name} refused`, { code: err.code, message: err.message });
    return err.toShape();
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  log.error(`request ${name} crashed`, { message, stack: err instanceof Error ? err.stack : undefined });
  return { code: 'INTERNAL', message: 'Internal error; see the log for details' };
}
