import { type DeviceAnswer, encodeAuthSignedDataOf, type PendingRequest } from '@openmid/protocol';
import { decodeBase64, encodeBase64 } from './base64.js';
import { DeviceError } from './device-error.js';
import type { KeyStore } from './key-store.js';

export interface ApproveOptions {
  /** The code the citizen picked when the request offers `vcChoices`. */
  pickedCode?: string;
  /** The claims the citizen agreed to release (default: all the request asks for). */
  approvedClaims?: string[];
}

const DIGEST_LENGTH = { SHA256: 32, SHA384: 48, SHA512: 64 } as const;

/**
 * The approving answer to a pending request, signed with the right key behind the PIN:
 * - auth: the auth key (PIN1) signs the canonical signedData of what the phone showed
 *   (protocol/src/auth-signed-data.ts), with the picked code when a choice was offered;
 * - sign: the signing key (PIN2) signs the RP's digest itself;
 * - certificate-choice: PIN2 is checked; nothing is signed.
 * PIN errors (PIN_INVALID, PIN_BLOCKED) come from the key store unchanged.
 */
export async function createApproval(
  keyStore: KeyStore,
  request: PendingRequest,
  pin: string,
  options: ApproveOptions = {},
): Promise<DeviceAnswer> {
  const approvedClaims = approvedClaimsOf(request, options.approvedClaims);
  const claims = approvedClaims === undefined ? {} : { approvedClaims };
  switch (request.type) {
    case 'auth': {
      expectKey(request, 'auth');
      const pickedCode = pickedCodeOf(request, options.pickedCode);
      if (!request.hash) throw invalid(request, 'an authentication request carries a hash');
      const data = encodeAuthSignedDataOf(request, pickedCode);
      const signature = await keyStore.sign('auth', pin, { data });
      return {
        decision: 'approve',
        signature: encodeBase64(signature),
        ...(pickedCode === undefined ? {} : { pickedCode }),
        ...claims,
      };
    }
    case 'sign': {
      expectKey(request, 'sign');
      const digest = digestOf(request);
      const signature = await keyStore.sign('sign', pin, { digest });
      return { decision: 'approve', signature: encodeBase64(signature), ...claims };
    }
    case 'certificate-choice': {
      expectKey(request, 'sign');
      await keyStore.verifyPin('sign', pin);
      return { decision: 'approve', ...claims };
    }
    default:
      throw invalid(request, `unknown request type ${JSON.stringify(request.type)}`);
  }
}

function expectKey(request: PendingRequest, key: 'auth' | 'sign'): void {
  if (request.key !== key) {
    throw invalid(request, `a ${request.type} request is answered with the ${key} key`);
  }
}

function pickedCodeOf(request: PendingRequest, picked: string | undefined): string | undefined {
  if (!request.vcChoices || request.vcChoices.length === 0) return undefined;
  if (picked === undefined) throw invalid(request, 'pick one of the offered verification codes');
  if (!request.vcChoices.includes(picked)) {
    throw invalid(request, 'the picked code is not one of the offered codes');
  }
  return picked;
}

function approvedClaimsOf(
  request: PendingRequest,
  approved: string[] | undefined,
): string[] | undefined {
  if (!request.claims || request.claims.length === 0) return undefined;
  if (approved === undefined) return [...request.claims];
  const asked = new Set(request.claims);
  return approved.filter((claim) => asked.has(claim));
}

function digestOf(request: PendingRequest): Uint8Array {
  if (!request.hash || !request.hashType || !(request.hashType in DIGEST_LENGTH)) {
    throw invalid(request, 'a signature request carries a hash and its hashType');
  }
  let digest: Uint8Array;
  try {
    digest = decodeBase64(request.hash);
  } catch {
    throw invalid(request, 'the hash is not base64');
  }
  if (digest.length !== DIGEST_LENGTH[request.hashType]) {
    throw invalid(request, `the hash is not a ${request.hashType} digest`);
  }
  return digest;
}

function invalid(request: PendingRequest, message: string): DeviceError {
  return new DeviceError('REQUEST_INVALID', `request ${request.sessionId}: ${message}`);
}
