/*
 * What the renderer sees of a site's live state: calls (Local pairs folded, grouped by Linkedid)
 * and presence per extension. Pure functions of the state, cheap enough to run on every coalesced
 * push (O(channels + extensions)).
 */
export { selectCalls } from './select-calls.js';
export { selectPresence } from './select-presence.js';
