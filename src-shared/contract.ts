import { z } from 'zod';
import type { AppInfo } from './domain/app.js';
import type { LiveDelta, LiveLinkStatus, LiveSnapshot, OriginateOutcome } from './domain/live.js';
import type { ExtensionView, HistorySyncProgress, SiteCapabilities } from './domain/pbx-views.js';
import type { ConnectionTestReport, SiteStatus, SiteView } from './domain/site.js';
import {
  dndSchema,
  forwardSchema,
  hangupSchema,
  originateSchema,
  parkSchema,
  pickupSchema,
  preferencesSchema,
  recordSchema,
  spySchema,
  transferSchema,
  type Preferences,
} from './schemas/live.js';
import { siteIdSchema, siteInputSchema, siteRefSchema, siteTestSchema, siteUpdateSchema } from './schemas/site.js';
import { DEMO_VENDORS } from './vendors.js';

/*
 * The contract between the renderer and main: every request name fixes its params (validated by the
 * schema below before any handler runs) and its result; every push event fixes its payload. Both
 * transports (preload bridge, host-mode WebSocket) carry exactly this.
 */

const noParams = z.object({}).strict();

export const requestSchemas = {
  'app:get-info': noParams,
  'app:ping': z.object({ echo: z.string().max(1024) }).strict(),
  'diagnostics:collect': noParams,
  'sites:list': noParams,
  'sites:get': siteRefSchema,
  'sites:create': siteInputSchema,
  'sites:update': siteUpdateSchema,
  'sites:remove': siteRefSchema,
  'sites:test': siteTestSchema,
  'sites:list-statuses': noParams,
  'sites:get-capabilities': z.object({ id: siteIdSchema, recheck: z.boolean().optional() }).strict(),
  'extensions:list': siteRefSchema,
  'history:sync': siteRefSchema,
  'demo:open': z.object({ vendor: z.enum(DEMO_VENDORS).optional() }).strict(),
  'preferences:get': noParams,
  'preferences:update': preferencesSchema,
  'live:get-snapshot': noParams,
  'live:hangup': hangupSchema,
  'live:transfer': transferSchema,
  'live:originate': originateSchema,
  'live:park': parkSchema,
  'live:pickup': pickupSchema,
  'live:spy': spySchema,
  'live:record': recordSchema,
  'presence:set-dnd': dndSchema,
  'presence:set-forward': forwardSchema,
} satisfies Record<string, z.ZodType>;

export interface RequestResults {
  'app:get-info': AppInfo;
  'app:ping': { echo: string };
  'diagnostics:collect': { text: string };
  'sites:list': SiteView[];
  'sites:get': SiteView;
  'sites:create': SiteView;
  'sites:update': SiteView;
  'sites:remove': { id: string };
  'sites:test': ConnectionTestReport;
  'sites:list-statuses': SiteStatus[];
  'sites:get-capabilities': SiteCapabilities;
  'extensions:list': ExtensionView[];
  'history:sync': HistorySyncProgress;
  'demo:open': SiteView;
  'preferences:get': Preferences;
  'preferences:update': Preferences;
  'live:get-snapshot': LiveSnapshot;
  'live:hangup': Done;
  'live:transfer': Done;
  'live:originate': OriginateOutcome;
  'live:park': { space: string };
  'live:pickup': Done;
  'live:spy': Done;
  'live:record': Done;
  'presence:set-dnd': Done;
  'presence:set-forward': Done;
}

/** The result of an action that has nothing to report beyond having worked. */
export interface Done {
  done: true;
}

export interface EventPayloads {
  'sites:changed': SiteView[];
  'sites:status': SiteStatus;
  'preferences:changed': Preferences;
  'live:delta': LiveDelta;
  'live:link': LiveLinkStatus;
  'history:progress': HistorySyncProgress;
}

export type RequestName = keyof typeof requestSchemas;
export type EventName = keyof EventPayloads;
/** What a caller sends (before defaults and trimming). */
export type RequestParams<N extends RequestName> = z.input<(typeof requestSchemas)[N]>;
/** What a handler receives (after validation). */
export type ValidParams<N extends RequestName> = z.output<(typeof requestSchemas)[N]>;
export type RequestResult<N extends RequestName> = RequestResults[N];

export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

// Compile-time: the result map and the schema map name exactly the same requests.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractIsClosed: Same<keyof RequestResults, RequestName> = true;
void contractIsClosed;

/** Wire frames of the host-mode WebSocket (the preload bridge uses Electron IPC framing instead). */
export interface RequestFrame {
  id: number;
  name: string;
  params: unknown;
}

export interface EventFrame {
  event: EventName;
  payload: unknown;
}
