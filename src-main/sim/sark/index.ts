/*
 * The SARK demo PBX: the `sark6api` HTTP API (Laravel 7, no auth) or its Laravel 11 successor
 * (Sanctum tokens), with the quirks vendors/sark.md documents. See server.ts for the options and
 * the kernel, the controllers beside it for each route family.
 */
export { startSarkSimulator } from './server.js';
export type { SarkSimOptions, SarkSimulator } from './server.js';
export type { OriginateRecord, Row, SarkChannel, SarkMailbox, SarkRegistration, SarkState, SarkToken, SarkUser } from './state.js';
