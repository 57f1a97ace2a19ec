import type { Preferences } from '../../src-shared/schemas/live.js';
import type { EventBus } from '../core/event-bus.js';
import type { SettingsStore } from './settings-store.js';

/** The person's own choices: role, notifications, their extension per site. */
export class PreferencesService {
  constructor(
    private readonly settings: SettingsStore,
    private readonly bus: EventBus,
  ) {}

  get(): Preferences {
    return this.settings.get('preferences');
  }

  update(next: Preferences): Preferences {
    this.settings.set('preferences', next);
    this.bus.emit('preferences:changed', next);
    return next;
  }
}
