import type { AppInfo } from '../../src-shared/domain/app.js';
import { onTransportState, request } from '../lib/api.js';
import type { TransportState } from '../lib/transports/transport.js';

/** What the app knows about itself: version, mode, start-up problems, and whether main is reachable. */
class AppState {
  info = $state<AppInfo | null>(null);
  connection = $state<TransportState>('connecting');
  dismissedProblems = $state(false);

  async load(): Promise<void> {
    onTransportState((state) => {
      this.connection = state;
    });
    this.info = await request('app:info', {});
  }
}

export const appState = new AppState();
