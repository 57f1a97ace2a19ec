import type { Preferences } from '../../src-shared/schemas/live.js';
import { onEvent, request } from '../lib/api.js';

/** The person's own choices (role, notifications, their extension per site), kept current by push events. */
class PreferencesState {
  /** Null until loaded: nothing that depends on the role is shown before main says what it is. */
  value = $state<Preferences | null>(null);

  #events = 0;

  constructor() {
    onEvent('preferences:changed', (next) => {
      this.#events += 1;
      this.value = next;
    });
  }

  get role(): Preferences['role'] {
    return this.value?.role ?? 'receptionist';
  }

  get isSupervisor(): boolean {
    return this.value?.role === 'supervisor';
  }

  get notificationsOn(): boolean {
    return this.value?.desktopNotifications ?? false;
  }

  /** The operator's own extension on a site, or null when they have not set one. */
  extensionOn(siteId: string): string | null {
    return this.value?.operatorExtensions[siteId] ?? null;
  }

  async load(): Promise<void> {
    const before = this.#events;
    const value = await request('preferences:get', {});
    // A change pushed after the request left is at least as new as its answer.
    if (this.#events === before) this.value = value;
  }

  async update(next: Preferences): Promise<Preferences> {
    const saved = await request('preferences:update', next);
    this.value = saved;
    return saved;
  }
}

export const preferencesState = new PreferencesState();
