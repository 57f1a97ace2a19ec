import type { LiveCall, LiveParty, Presence } from '../../src-shared/domain/live.js';
import { t } from '../i18n/index.js';

/** What a dragged call carries, so an extension tile knows it is a call being dropped. */
export const CALL_DRAG_TYPE = 'application/x-switchboard-call';

/** A party as a person reads it: name and number, or whichever of them is known. */
export function partyText(party: LiveParty): string {
  const name = party.name.trim();
  const number = party.number.trim() || party.extension || '';
  if (name && number && name !== number) return t('live.party', { name, number });
  return name || number || t('live.unknownParty');
}

/** Everyone the call goes to: one party once answered, several while a ring group rings. */
export function calleesText(call: LiveCall): string {
  if (call.to.length === 0) return t('live.noCallee');
  return call.to.map(partyText).join(t('live.listSeparator'));
}

export function presenceName(presence: Presence): string {
  return presence.name?.trim() || t('live.extensionOnly', { extension: presence.extension });
}

/** The call's own clock: talking time once answered, ringing/waiting time before. */
export function callClockStart(call: LiveCall): number {
  return call.answeredAt ?? call.startedAt;
}

/** The text a filter is matched against, computed once per object (deltas replace calls, never mutate them). */
const haystacks = new WeakMap<object, string>();

function haystack(item: object, parts: () => Array<string | null>): string {
  let text = haystacks.get(item);
  if (text === undefined) {
    text = parts()
      .filter((part): part is string => !!part)
      .join('\n')
      .toLowerCase();
    haystacks.set(item, text);
  }
  return text;
}

/** A filter that matches names, numbers and site names; digits also match numbers written with spaces or dashes. */
export function makeMatcher(query: string): ((text: string) => boolean) | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const digits = needle.replace(/[\s().-]/g, '');
  const digitsOnly = /^\+?[0-9*#]+$/.test(digits) && digits !== needle;
  return (text) => text.includes(needle) || (digitsOnly && text.replace(/[\s().-]/g, '').includes(digits));
}

export function callMatches(call: LiveCall, siteName: string, matcher: (text: string) => boolean): boolean {
  return (
    matcher(siteName.toLowerCase()) ||
    matcher(
      haystack(call, () => [
        call.queue,
      call.parkedAt,
        ...[call.from, ...call.to].flatMap((party) => [party.name, party.number, party.extension]),
      ]),
    )
  );
}

export function presenceMatches(presence: Presence, siteName: string, matcher: (text: string) => boolean): boolean {
  return (
    matcher(siteName.toLowerCase()) ||
    matcher(haystack(presence, () => [presence.name, presence.extension, ...presence.talkingTo]))
  );
}
