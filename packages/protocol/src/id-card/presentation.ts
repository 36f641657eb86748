import { SDJwt } from '@sd-jwt/core';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { JwtPayload, Signer } from '@sd-jwt/types';
import type { JWK } from 'jose';
import {
  ID_CARD_VCT,
  type IdCardClaim,
  type IdCardClaims,
  isIdCardClaim,
  sortIdCardClaims,
} from './id-card-claims.js';
import { IdCardError } from './id-card-error.js';
import { type IssuerMetadata, issuerVerifier } from './issuer-metadata.js';
import type { NonceLedger } from './nonce-ledger.js';
import { sha256Hasher, verifyEs256 } from './sd-jwt-crypto.js';
import { CREDENTIAL_STATUS, verifyStatusListToken } from './status-list.js';
import type { VerifierRequest } from './verifier-request.js';

/**
 * The wallet's answer to a verifier request (SPEC F21): the SD-JWT VC with only the approved
 * disclosures and a key-binding JWT (typ kb+jwt, signed with the device key named in `cnf`) over
 * `nonce`, `aud` = the verifier's client id, `iat` and `sd_hash`.
 */
export async function createPresentation(input: {
  credential: string;
  request: Pick<VerifierRequest, 'clientId' | 'nonce' | 'requested'>;
  /** What the citizen approved; defaults to everything requested. Must be ⊆ requested. */
  approved?: readonly IdCardClaim[];
  /** Signs the key-binding JWT with the holder (device) key. */
  kbSigner: Signer;
  now?: Date;
}): Promise<string> {
  const approved = input.approved ?? input.request.requested;
  const extra = approved.filter((c) => !input.request.requested.includes(c));
  if (extra.length > 0) {
    throw new IdCardError('claims_not_allowed', `not requested: ${extra.join(', ')}`, {
      claims: extra,
    });
  }
  const sdjwt = new SDJwtVcInstance({
    hasher: sha256Hasher,
    kbSigner: input.kbSigner,
    kbSignAlg: 'ES256',
  });
  const frame = Object.fromEntries(approved.map((c) => [c, true]));
  return sdjwt.present(input.credential, frame, {
    kb: {
      payload: {
        iat: Math.floor((input.now ?? new Date()).getTime() / 1000),
        aud: input.request.clientId,
        nonce: input.request.nonce,
      },
    },
  });
}

export type PresentationVerdict =
  | 'valid'
  | 'invalid'
  | 'revoked'
  | 'suspended'
  | 'expired'
  | 'replayed';

export interface PresentationResult {
  verdict: PresentationVerdict;
  /** Why it is not valid (for the screen and logs); absent when valid. */
  reason?: string;
  /** The disclosed claims (present when the issuer's signature verified). */
  claims?: Partial<IdCardClaims>;
  disclosed?: IdCardClaim[];
  issuedAt?: number;
  expiresAt?: number;
}

class StatusRefusal extends Error {
  readonly verdict: 'revoked' | 'suspended' | 'invalid';
  constructor(verdict: 'revoked' | 'suspended' | 'invalid') {
    super(`the credential is ${verdict}`);
    this.verdict = verdict;
  }
}

export const MAX_PRESENTATION_LENGTH = 200_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The verifier's offline check of a presentation, with the issuer keys and the status list token
 * it cached while online. In order: it decodes; the issuer signature verifies (else `invalid`);
 * the credential is within its validity (else `expired`); the key-binding JWT answers a request
 * this verifier made (nonce), names it as audience, is fresh and signed by the `cnf` key, and
 * `sd_hash` covers exactly the disclosures shown; every disclosure is one the issuer signed and
 * one the request asked for; the status list says 0 (else `revoked` / `suspended`); and the nonce
 * was not used before (else `replayed`).
 */
export async function verifyPresentation(
  presentation: string,
  options: {
    issuer: IssuerMetadata;
    /**
     * The cached status list tokens by URI (the credential's `status.status_list.uri` picks one),
     * or the one token to use.
     */
    statusLists: Readonly<Record<string, string>> | string;
    requests: NonceLedger;
    now?: Date;
    /** How old the key-binding JWT may be, seconds (default 300). */
    maxKeyBindingAgeSeconds?: number;
  },
): Promise<PresentationResult> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (typeof presentation !== 'string' || presentation.length > MAX_PRESENTATION_LENGTH) {
    return { verdict: 'invalid', reason: 'the presentation is too large' };
  }
  let decoded: SDJwt;
  try {
    decoded = await SDJwt.fromEncode(presentation, sha256Hasher);
  } catch (error) {
    return { verdict: 'invalid', reason: `not an SD-JWT: ${messageOf(error)}` };
  }
  const payload = decoded.jwt?.payload as JwtPayload | undefined;
  const kb = decoded.kbJwt?.payload;
  if (!decoded.jwt || !payload) return { verdict: 'invalid', reason: 'not an SD-JWT' };
  if (!kb || typeof kb.nonce !== 'string') {
    return { verdict: 'invalid', reason: 'the presentation has no key-binding JWT' };
  }
  const verifier = issuerVerifier(options.issuer);
  try {
    // The issuer's signature alone first, so an expired credential is reported as such.
    await decoded.jwt.verify(verifier, { currentDate: Number(payload.iat ?? 0) });
  } catch (error) {
    return { verdict: 'invalid', reason: `issuer signature: ${messageOf(error)}` };
  }
  const disclosed = (decoded.disclosures ?? []).map((d) => d.key);
  const claims: Partial<IdCardClaims> = Object.fromEntries(
    (decoded.disclosures ?? [])
      .filter((d) => isIdCardClaim(d.key))
      .map((d) => [d.key as string, d.value]),
  );
  const base = {
    claims,
    disclosed: sortIdCardClaims(disclosed.filter(isIdCardClaim)),
    ...(typeof payload.iat === 'number' ? { issuedAt: payload.iat } : {}),
    ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}),
  };
  const refuse = (verdict: PresentationVerdict, reason: string): PresentationResult => ({
    verdict,
    reason,
    ...base,
  });
  if (payload.iss !== options.issuer.issuer) return refuse('invalid', 'another issuer');
  if (payload.vct !== ID_CARD_VCT) return refuse('invalid', 'not an OpenMID ID card');
  if (typeof payload.exp !== 'number' || payload.exp < now) {
    return refuse('expired', 'the credential has expired');
  }
  const request = options.requests.find(kb.nonce);
  if (!request) {
    return refuse('invalid', 'the nonce is not one of this verifier’s requests (wrong nonce)');
  }
  if (kb.aud !== request.clientId)
    return refuse('invalid', 'the key binding names another verifier');
  const maxAge = options.maxKeyBindingAgeSeconds ?? 300;
  if (typeof kb.iat !== 'number' || kb.iat < now - maxAge || kb.iat > now + 60) {
    return refuse('invalid', 'the key binding is not fresh');
  }
  const notAsked = disclosed.filter((k) => !k || !request.claims.includes(k as IdCardClaim));
  if (notAsked.length > 0) {
    return refuse('invalid', `discloses claims that were not asked for: ${notAsked.join(', ')}`);
  }
  const signed = new Set(Array.isArray(payload._sd) ? (payload._sd as string[]) : []);
  for (const disclosure of decoded.disclosures ?? []) {
    const digest = await disclosure.digest({ hasher: sha256Hasher, alg: 'sha-256' });
    if (!signed.has(digest)) return refuse('invalid', 'a disclosure was not signed by the issuer');
  }
  const statusUri = (payload.status as { status_list?: { uri?: unknown } } | undefined)?.status_list
    ?.uri;
  if (typeof statusUri !== 'string')
    return refuse('invalid', 'the credential names no status list');
  const statusListToken =
    typeof options.statusLists === 'string' ? options.statusLists : options.statusLists[statusUri];
  if (statusListToken === undefined) {
    return refuse('invalid', 'no cached status list for this credential: refresh online');
  }
  try {
    await verifyStatusListToken(statusListToken, {
      issuer: options.issuer,
      uri: statusUri,
      now: new Date(now * 1000),
    });
  } catch (error) {
    return refuse('invalid', `cannot check the status: ${messageOf(error)}`);
  }
  const instance = new SDJwtVcInstance({
    hasher: sha256Hasher,
    verifier,
    statusVerifier: verifier,
    kbVerifier: async (data, signature, issuerPayload) => {
      const jwk = (issuerPayload.cnf as { jwk?: JWK } | undefined)?.jwk;
      return jwk ? verifyEs256(jwk, data, signature) : false;
    },
    statusListFetcher: async () => statusListToken,
    statusValidator: async (status) => {
      if (status === CREDENTIAL_STATUS.valid) return;
      throw new StatusRefusal(
        status === CREDENTIAL_STATUS.invalid
          ? 'revoked'
          : status === CREDENTIAL_STATUS.suspended
            ? 'suspended'
            : 'invalid',
      );
    },
  });
  try {
    await instance.verify(presentation, { currentDate: now, keyBindingNonce: kb.nonce });
  } catch (error) {
    if (error instanceof StatusRefusal) return refuse(error.verdict, error.message);
    return refuse('invalid', messageOf(error));
  }
  if (options.requests.consume(kb.nonce, now) !== 'ok') {
    return refuse('replayed', 'this presentation was already shown to this verifier');
  }
  return { verdict: 'valid', ...base };
}
