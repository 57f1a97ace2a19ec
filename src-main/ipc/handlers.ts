import type { RequestName, RequestResult, ValidParams } from '../../src-shared/contract.js';

/**
 * One function per request in the contract. The mapped type makes the compiler refuse a map that
 * misses a request or answers one with the wrong result type.
 */
export type Handlers = {
  [N in RequestName]: (params: ValidParams<N>) => Promise<RequestResult<N>> | RequestResult<N>;
};
