/*
 * The demo PBX moved to `src-main/sim/ami/`; this path stays so that existing imports keep working.
 */
export * from './ami/index.js';
