import { onTransportState } from '../lib/api.js';
import { appState } from './app.svelte.js';
import { liveState } from './live.svelte.js';
import { preferencesState } from './preferences.svelte.js';
import { sitesState } from './sites.svelte.js';

/**
 * Loads every store, and loads them all again whenever the connection comes back after a drop:
 * push events sent while it was down are lost, so only a fresh snapshot is trustworthy.
 * `onResult` hears `null` when a load starts (an earlier failure no longer applies) and the error if it
 * fails. Returns a stop function.
 */
export function startSession(onResult: (error: unknown) => void): () => void {
  const loadAll = () => {
    onResult(null);
    return Promise.all([appState.load(), sitesState.load(), preferencesState.load(), liveState.load()]).catch(onResult);
  };
  let dropped = false;
  void loadAll();
  return onTransportState((state) => {
    if (state === 'closed') dropped = true;
    if (state === 'open' && dropped) {
      dropped = false;
      void loadAll();
    }
  });
}
