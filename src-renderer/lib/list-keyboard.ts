/*
 * The keyboard and context-menu plumbing the Live board's two lists share (the calls grid and the
 * extensions listbox): the same keys do the same things on both, so they are learnt once. Each list
 * keeps what is its own: how far a move goes (rows and pages, or tiles and columns) and how it
 * focuses an item.
 */

/** Where a context menu opens: at the pointer, or null for at the item itself. */
export type MenuPoint = { x: number; y: number } | null;

/** What the keys of one list do to the item that has the focus. */
export interface ListKeyActions {
  /** Target index of each move key (arrows, pages, Home, End) from the focused item; may run past either end. */
  moves(): Record<string, number>;
  move(index: number): void;
  /** Space or Enter: the item becomes the selection. */
  choose(): void;
  /** The menu key or Shift+F10. */
  menu(): void;
}

/** Handles a keydown on a list item. Keys with Ctrl, Alt or Meta are the app's shortcuts and pass through. */
export function listKeydown(event: KeyboardEvent, actions: ListKeyActions): void {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  const moves = actions.moves();
  if (event.key in moves && !event.shiftKey) {
    event.preventDefault();
    actions.move(moves[event.key]);
  } else if (event.key === ' ' || event.key === 'Enter') {
    event.preventDefault();
    actions.choose();
  } else if (isMenuKey(event)) {
    event.preventDefault();
    actions.menu();
  }
}

/** The keyboard's ways of asking for a context menu. */
export function isMenuKey(event: KeyboardEvent): boolean {
  return event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey);
}

/** The menu key fires `contextmenu` too, at 0,0: then the menu opens at the item, not in the corner. */
export function menuPoint(event: MouseEvent): MenuPoint {
  return event.clientX === 0 && event.clientY === 0 ? null : { x: event.clientX, y: event.clientY };
}

/** The key a move lands on, held to the list's ends; undefined when the list is empty. */
export function keyAtMove(keys: readonly string[], index: number): string | undefined {
  return keys[Math.max(0, Math.min(index, keys.length - 1))];
}
