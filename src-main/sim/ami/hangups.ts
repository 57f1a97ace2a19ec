/** How a channel is ended, shared by the call flows. */
export interface HangupHow {
  /** `hard`: HangupRequest (the phone hung up); `soft`: SoftHangupRequest (AMI, Hangup() app); `none`. */
  request: 'hard' | 'soft' | 'none';
  /** Cause of the Hangup event (and of the request, unless `requestCause` says otherwise). */
  cause: number;
  requestCause?: number;
}

/** The phone hung up (a BYE): HangupRequest, cause 16. */
export const REMOTE: HangupHow = { request: 'hard', cause: 16 };
/** The dialplan's Hangup(): SoftHangupRequest, cause 16. */
export const APP_HANGUP: HangupHow = { request: 'soft', cause: 16 };
