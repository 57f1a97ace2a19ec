import { AppError } from '../../src-shared/errors.js';
import type { AmiLink } from '../ami/ami-link.js';
import type { AmiEvent } from './ami-event.js';
import type { ResyncSnapshot } from './resync.js';

/**
 * Collects what a resync needs, list by list. CoreShowChannels is the one list that must succeed
 * (without it the board would be a guess); every other list is optional, since PBXs differ
 * (chan_sip has no PJSIP lists, an empty AstDB family answers with an error): a list that fails is
 * left out and its part of the state is kept as it was.
 */
export async function collectSnapshot(link: AmiLink, astdbFamilies: readonly string[]): Promise<ResyncSnapshot> {
  const channels = (await link.list({ action: 'CoreShowChannels' })).items;
  const optional = (action: string, fields?: Record<string, string>) =>
    link.list({ action, fields }).then(
      (result): AmiEvent[] | undefined => result.items,
      () => undefined,
    );
  const [bridges, extensionStates, deviceStates, pjsip, sip, parked, queueEntries] = await Promise.all([
    optional('BridgeList'),
    optional('ExtensionStateList'),
    optional('DeviceStateList'),
    optional('PJSIPShowEndpoints'),
    optional('SIPpeers'),
    optional('ParkedCalls'),
    optional('QueueStatus'),
  ]);
  const astdbItems: AmiEvent[] = [];
  const familiesRead: string[] = [];
  for (const family of astdbFamilies) {
    const items = await readAstdbFamily(link, family);
    if (items === null) continue;
    astdbItems.push(...items);
    familiesRead.push(family);
  }
  const endpoints = pjsip === undefined && sip === undefined ? undefined : [...(pjsip ?? []), ...(sip ?? [])];
  return {
    channels,
    bridges,
    extensionStates,
    deviceStates,
    endpoints,
    parked,
    queueEntries: queueEntries?.filter((item) => item.event === 'QueueEntry'),
    astdb: { families: familiesRead, items: astdbItems },
  };
}

/**
 * One AstDB family's entries. An empty family answers "Database entry not found": nothing set,
 * which is a fact too. Any other failure (a timeout, a dropped link) is not knowledge: null, so the
 * family is left as it was rather than wiped.
 */
export async function readAstdbFamily(link: AmiLink, family: string): Promise<AmiEvent[] | null> {
  try {
    return (await link.list({ action: 'DBGetTree', fields: { Family: family } })).items;
  } catch (err) {
    return err instanceof AppError && err.code === 'PBX_ERROR' && /not found/i.test(err.message) ? [] : null;
  }
}
