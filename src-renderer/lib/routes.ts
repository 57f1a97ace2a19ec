import type { MessageKey } from '../i18n/index.js';

export const ROUTES = ['live', 'extensions', 'follow-me', 'ring-groups', 'call-history', 'recordings', 'sites', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_LABELS: Record<Route, MessageKey> = {
  live: 'nav.live',
  extensions: 'nav.extensions',
  'follow-me': 'nav.followMe',
  'ring-groups': 'nav.ringGroups',
  'call-history': 'nav.callHistory',
  recordings: 'nav.recordings',
  sites: 'nav.sites',
  settings: 'nav.settings',
};

export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'live';
}
