import type { Writable } from 'node:stream';
import type {
  ApiIdentity,
  CallForwardSettings,
  Capabilities,
  CapabilityKey,
  CdrRecord,
  ExtensionChange,
  FollowMe,
  ItemResult,
  PbxExtension,
  PeerStatus,
  RingGroup,
  SystemHealth,
} from '../../src-shared/domain/pbx.js';
import { AppError } from '../../src-shared/errors.js';
import type { Vendor } from '../../src-shared/vendors.js';

/*
 * The one interface for everything the app asks of a PBX's HTTP API. Each vendor's adapter
 * implements what its API can do and declares the rest in its capabilities: `ami` where the
 * site's AMI link does it instead (the site runtime routes those), `none` with a reason. Calling a
 * method the adapter does not do answers NOT_SUPPORTED with that same reason, so main refuses what
 * the UI hides, by construction.
 */

export interface CdrWindow {
  /** UTC epoch ms, inclusive. */
  from: number;
  /** UTC epoch ms, inclusive. */
  to: number;
}

export interface CdrFetch {
  window: CdrWindow;
  /**
   * Called with each batch as it arrives, oldest first within the batch; awaited (back-pressure).
   * `coveredTo`: every record up to this time (UTC epoch ms) has now been delivered, so a sync
   * stopped after this batch may resume from there. Batches may be empty (a quiet window).
   */
  onBatch: (records: CdrRecord[], coveredTo: number) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface PbxAdapter {
  readonly vendor: Vendor;
  /** What this site's API does and how; fixed once `connect` detected the generation. */
  capabilities(): Capabilities;
  /** Logs in where the API needs it and detects its generation; AUTH_FAILED, UNREACHABLE, TLS_UNTRUSTED… */
  connect(signal?: AbortSignal): Promise<ApiIdentity>;

  listExtensions(): Promise<PbxExtension[]>;
  /** Null when there is no such extension. */
  getExtension(number: string): Promise<PbxExtension | null>;
  createExtension(number: string, change: ExtensionChange & { name: string }): Promise<PbxExtension>;
  /** Changes only what `change` names; everything else stays as the PBX has it. */
  updateExtension(number: string, change: ExtensionChange): Promise<PbxExtension>;
  deleteExtensions(numbers: readonly string[]): Promise<ItemResult[]>;

  /** Null when the extension has no follow-me. */
  getFollowMe(number: string): Promise<FollowMe | null>;
  /** Null removes the follow-me. */
  setFollowMe(number: string, followMe: FollowMe | null): Promise<void>;
  getCallForward(number: string): Promise<CallForwardSettings>;
  setCallForward(number: string, settings: CallForwardSettings): Promise<void>;

  listRingGroups(): Promise<RingGroup[]>;
  createRingGroup(group: RingGroup): Promise<RingGroup>;
  updateRingGroup(group: RingGroup): Promise<RingGroup>;
  deleteRingGroup(number: string): Promise<void>;

  /** Every CDR of the window, each exactly once, in batches. Returns how many were delivered. */
  fetchCdrs(fetch: CdrFetch): Promise<number>;
  /** Streams the recording of `record` into `sink`; NOT_FOUND when the PBX has no such file. */
  downloadRecording(record: CdrRecord, sink: Writable, signal?: AbortSignal): Promise<{ bytes: number }>;

  peers(): Promise<PeerStatus[]>;
  health(): Promise<SystemHealth>;
  /** Applies pending configuration (a reload) where the vendor needs an explicit one. */
  apply(): Promise<void>;
  /**
   * Runs several changes as one batch: vendors that reload on every write are told not to, and
   * one apply follows at the end (also when a change failed, so what did succeed takes effect).
   */
  batch<T>(work: () => Promise<T>): Promise<T>;
}

/** NOT_SUPPORTED carrying the capability's reason, for the methods an adapter does not do. */
export function notSupported(capabilities: Capabilities, key: CapabilityKey): AppError {
  const capability = capabilities[key];
  const reason = capability.via === 'none' ? capability.reason : `capability.reason.viaAmi`;
  return new AppError('NOT_SUPPORTED', `${key} is not available through this PBX's API`, { capability: key, reason });
}

/**
 * The defaults every adapter starts from: each method refuses with its capability's reason. An
 * adapter overrides what its API does, and its capability table says the same.
 */
export abstract class BaseAdapter implements PbxAdapter {
  abstract readonly vendor: Vendor;
  abstract capabilities(): Capabilities;
  abstract connect(signal?: AbortSignal): Promise<ApiIdentity>;

  protected refuse(key: CapabilityKey): Promise<never> {
    return Promise.reject(notSupported(this.capabilities(), key));
  }

  listExtensions(): Promise<PbxExtension[]> {
    return this.refuse('extensions.list');
  }
  getExtension(_number: string): Promise<PbxExtension | null> {
    return this.refuse('extensions.get');
  }
  createExtension(_number: string, _change: ExtensionChange & { name: string }): Promise<PbxExtension> {
    return this.refuse('extensions.create');
  }
  updateExtension(_number: string, _change: ExtensionChange): Promise<PbxExtension> {
    return this.refuse('extensions.update');
  }
  deleteExtensions(_numbers: readonly string[]): Promise<ItemResult[]> {
    return this.refuse('extensions.delete');
  }
  getFollowMe(_number: string): Promise<FollowMe | null> {
    return this.refuse('followMe.read');
  }
  setFollowMe(_number: string, _followMe: FollowMe | null): Promise<void> {
    return this.refuse('followMe.write');
  }
  getCallForward(_number: string): Promise<CallForwardSettings> {
    return this.refuse('callForward.read');
  }
  setCallForward(_number: string, _settings: CallForwardSettings): Promise<void> {
    return this.refuse('callForward.write');
  }
  listRingGroups(): Promise<RingGroup[]> {
    return this.refuse('ringGroups.read');
  }
  createRingGroup(_group: RingGroup): Promise<RingGroup> {
    return this.refuse('ringGroups.write');
  }
  updateRingGroup(_group: RingGroup): Promise<RingGroup> {
    return this.refuse('ringGroups.write');
  }
  deleteRingGroup(_number: string): Promise<void> {
    return this.refuse('ringGroups.write');
  }
  fetchCdrs(_fetch: CdrFetch): Promise<number> {
    return this.refuse('cdr.fetch');
  }
  downloadRecording(_record: CdrRecord, _sink: Writable, _signal?: AbortSignal): Promise<{ bytes: number }> {
    return this.refuse('recordings.download');
  }
  peers(): Promise<PeerStatus[]> {
    return this.refuse('presence.read');
  }
  health(): Promise<SystemHealth> {
    return this.refuse('system.health');
  }
  apply(): Promise<void> {
    return this.refuse('config.apply');
  }
  batch<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}
