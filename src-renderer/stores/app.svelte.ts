import type { AppInfo } from '../../src-shared/domain/app.js';
import { onTransportState, request } from '../lib/api.js';
import type { TransportState } from '../lib/transports/transport.js';

/** What the app knows about itself: version, mode, start-up problems, and whether main is reachable. */
class AppState {
  info = $state<AppInfo | null>(null);
  connection = $state<TransportState>('connecting');
  dismissedProblems = $state(false);

  constructor() {
    onTransportState((state) => {
      this.connection = state;
    });
  }

  async load(): Promise<void> {
    this.info = await request('app:get-info', {});
  }

  /** Versions, sites without secrets and recent log lines, as text for a support request. */
  async collectDiagnostics(): Promise<string> {
    const { text } = await request('diagnostics:collect', {});
    return text;
  }
}

export const appState = new AppState();
