import type { LiveCall, LiveParty } from '../../src-shared/domain/live.js';

/*
 * Which leg of a call an action moves. A call is several channels; a person acts on "the call", and
 * these pick the channel the PBX needs, seen from the operator (whose extension may be on the call).
 */

/** The party that is not the operator: the caller, unless the operator placed the call. */
export function otherParty(call: LiveCall, ownExtension: string | null): LiveParty {
  if (ownExtension !== null && call.from.extension === ownExtension) {
    return call.to.find((party) => party.state === 'up') ?? call.to[0] ?? call.from;
  }
  return call.from;
}

/** The side that answered (the operator's own leg when they are on the call): it consults and gets listened to. */
export function answeringParty(call: LiveCall, ownExtension: string | null): LiveParty {
  if (ownExtension !== null) {
    const own = [call.from, ...call.to].find((party) => party.extension === ownExtension);
    if (own) return own;
  }
  return call.to.find((party) => party.state === 'up') ?? call.to[0] ?? call.from;
}

/** A leg that is ringing, for pick-up. */
export function ringingParty(call: LiveCall): LiveParty | undefined {
  return call.to.find((party) => party.state === 'ringing');
}

/** Whether the operator's own extension is ringing on this call. */
export function ringsExtension(call: LiveCall, extension: string): boolean {
  return call.to.some((party) => party.extension === extension && party.state === 'ringing');
}
