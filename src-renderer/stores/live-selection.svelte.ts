/**
 * What the operator chose on the Live screen: one call and one extension, each picked explicitly
 * (click, arrow keys, context menu, a notification). Call actions act on the chosen call only, never on
 * whatever happens to be first or focused, so a keystroke cannot end a call nobody picked.
 */
class LiveSelection {
  callKey = $state<string | null>(null);
  extensionKey = $state<string | null>(null);
  /** Bumped when something outside the list (a notification) selects a call, so the list brings it into view. */
  revealCall = $state(0);

  selectCall(key: string | null, reveal = false): void {
    this.callKey = key;
    if (reveal) this.revealCall += 1;
  }

  selectExtension(key: string | null): void {
    this.extensionKey = key;
  }
}

export const liveSelection = new LiveSelection();
