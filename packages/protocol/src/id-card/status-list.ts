import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { decodeProtectedHeader, importJWK, type JWTPayload, jwtVerify } from 'jose';
import { IdCardError } from './id-card-error.js';
import { type IssuerMetadata, issuerKey } from './issuer-metadata.js';

/**
 * IETF Token Status List (draft-ietf-oauth-status-list): the issuer serves a signed JWT, typ
 * `statuslist+jwt`, `sub` = its own URI, `status_list: { bits: 2, lst }` (the statuses,
 * zlib-deflated, base64url), `iat`, `exp`, `ttl`. Two bits per credential:
 */
export const CREDENTIAL_STATUS = { valid: 0, invalid: 1, suspended: 2 } as const;
export type CredentialStatusValue = (typeof CREDENTIAL_STATUS)[keyof typeof CREDENTIAL_STATUS];
export const STATUS_LIST_TYP = 'statuslist+jwt';
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';

export interface StatusListInfo {
  uri: string;
  issuedAt: number;
  expiresAt: number;
  /** Seconds the issuer suggests to keep it before fetching again. */
  ttl: number | undefined;
}

/**
 * Verify a status list token (signature by a current issuer key, type, subject, lifetime) as a
 * verifier does before caching it. Throws IdCardError invalid_status_list.
 */
export async function verifyStatusListToken(
  token: string,
  options: { issuer: IssuerMetadata; uri?: string; now?: Date },
): Promise<StatusListInfo> {
  let payload: JWTPayload;
  try {
    const header = decodeProtectedHeader(token);
    const jwk = issuerKey(options.issuer, header.kid);
    if (!jwk) throw new Error('the status list names an unknown issuer key');
    ({ payload } = await jwtVerify(token, await importJWK({ ...jwk, alg: 'ES256' }, 'ES256'), {
      algorithms: ['ES256'],
      typ: STATUS_LIST_TYP,
      currentDate: options.now ?? new Date(),
      requiredClaims: ['sub', 'iat', 'exp'],
      ...(options.uri === undefined ? {} : { subject: options.uri }),
    }));
    getListFromStatusListJWT(token);
  } catch (cause) {
    throw new IdCardError(
      'invalid_status_list',
      `the status list is not valid: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return {
    uri: payload.sub as string,
    issuedAt: payload.iat as number,
    expiresAt: payload.exp as number,
    ttl: typeof payload.ttl === 'number' ? payload.ttl : undefined,
  };
}

/** The status of one index in a (verified) status list token. */
export function statusAt(token: string, index: number): number {
  return getListFromStatusListJWT(token).getStatus(index);
}
