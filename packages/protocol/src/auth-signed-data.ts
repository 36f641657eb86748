import type { PendingRequest } from './device-api.js';
import { type AuthSignedData, encodeAuthSignedData } from './signed-data.js';

/**
 * The signedData of an authentication (SPEC §4.3), built the same way by the phone (which signs
 * what it displayed) and by the server (which verifies). Besides SPEC's members it binds the flow
 * type and the requested claims, so the signature also covers what the phone showed (F13, F14).
 * `vc` is the code the citizen confirmed: the one shown, or the one picked from the choice.
 */
export function authSignedDataOf(request: PendingRequest, confirmedCode?: string): AuthSignedData {
  const vc = confirmedCode ?? request.verificationCode;
  if (request.type !== 'auth' || !request.hash || !vc) {
    throw new TypeError('not an authentication request');
  }
  return {
    v: 1,
    type: 'auth',
    rp: request.clientId,
    rpName: request.rpName,
    challenge: request.hash,
    vc,
    sessionId: request.sessionId,
    flow: request.flow,
    ...(request.displayText !== undefined ? { displayText: request.displayText } : {}),
    ...(request.claims && request.claims.length > 0 ? { claims: [...request.claims] } : {}),
  };
}

export function encodeAuthSignedDataOf(
  request: PendingRequest,
  confirmedCode?: string,
): Uint8Array {
  return encodeAuthSignedData(authSignedDataOf(request, confirmedCode));
}
