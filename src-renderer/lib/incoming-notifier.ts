import type { LiveCall } from '../../src-shared/domain/live.js';
import { t } from '../i18n/index.js';
import { callKey, liveState } from '../stores/live.svelte.js';
import { liveSelection } from '../stores/live-selection.svelte.js';
import { preferencesState } from '../stores/preferences.svelte.js';
import { router } from '../stores/router.svelte.js';
import { sitesState } from '../stores/sites.svelte.js';
import { ringsExtension } from './call-parties.js';
import { partyText } from './live-format.js';

/** Whether this window may show desktop notifications at all (the API exists and the person allowed it). */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for permission; only ever called when the person turns notifications on. */
export async function requestNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
}

/** An incoming call ringing the operator's own phone, that they did not place themselves. */
function isIncomingForOperator(call: LiveCall): boolean {
  const own = preferencesState.extensionOn(call.siteId);
  if (own === null || call.state !== 'ringing' || !ringsExtension(call, own)) return false;
  if (call.from.extension === own) return false;
  // Click-to-dial rings the operator first, with the dialled number as caller ID.
  return !liveState.originatedRecently(call.siteId, call.from.number);
}

/**
 * Raises a desktop notification when a call starts ringing the operator's own extension, once per
 * call, and takes it down when the call is answered or gone. Clicking it opens the Live screen with
 * the call selected. Returns the stop function.
 */
export function startIncomingNotifier(): () => void {
  const shown = new Map<string, Notification>();

  const dismiss = (key: string) => {
    shown.get(key)?.close();
    shown.delete(key);
  };

  return liveState.onChange(({ upserted, removed }) => {
    // A resync replaces a site's board: a call removed and put back in the same change is the same
    // ringing call, and must not ring the operator's screen twice.
    const back = new Set(upserted.map(callKey));
    for (const key of removed) if (!back.has(key)) dismiss(key);
    for (const call of upserted) {
      const key = callKey(call);
      const incoming = isIncomingForOperator(call);
      if (!incoming) {
        dismiss(key);
        continue;
      }
      if (shown.has(key) || !preferencesState.notificationsOn || notificationPermission() !== 'granted') continue;
      const notification = new Notification(t('notify.incomingTitle', { caller: partyText(call.from) }), {
        body: t('notify.incomingBody', { site: sitesState.byId(call.siteId)?.name ?? call.siteId }),
        tag: key,
      });
      notification.onclick = () => {
        window.focus();
        router.go('live');
        liveSelection.selectCall(key, true);
        notification.close();
      };
      shown.set(key, notification);
    }
  });
}
