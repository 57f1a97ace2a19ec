/*
 * The demo PBX: an AMI server that behaves like the recorded Asterisk 22. See server.ts for the
 * public API and calls.ts for the call flows.
 */
export { startAmiSimulator } from './server.js';
export type { AmiSimulator, AmiSimulatorOptions, PlaceCallOptions, ReceivedAction } from './server.js';
export type { AmiFaults } from './faults.js';
export type { ClockOptions } from './clock.js';
export type { ExtensionSpec, PbxOptions } from './config.js';
export type { CallPlan, CallStep, SimTruth, TruthCall, TruthChannel, TruthExtension } from './model.js';
export type { ReplayOptions } from './replay.js';
export type { Scenario, TrafficOptions, TrafficStats } from './traffic.js';
