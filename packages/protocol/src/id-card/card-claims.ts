import { SDJwt } from '@sd-jwt/core';
import { type IdCardClaims, isIdCardClaim } from './id-card-claims.js';
import { sha256Hasher } from './sd-jwt-crypto.js';

/**
 * What the holder's own card says (the wallet's card screen): every disclosure of the SD-JWT VC
 * and its validity. No signature check: the wallet received it from the issuer over the device
 * API; verifiers use verifyPresentation.
 */
export async function readCard(credential: string): Promise<{
  claims: Partial<IdCardClaims>;
  issuedAt: number | undefined;
  expiresAt: number | undefined;
}> {
  const decoded = await SDJwt.fromEncode(credential, sha256Hasher);
  const payload = decoded.jwt?.payload ?? {};
  const claims = Object.fromEntries(
    (decoded.disclosures ?? [])
      .filter((d) => isIdCardClaim(d.key))
      .map((d) => [d.key as string, d.value]),
  ) as Partial<IdCardClaims>;
  return {
    claims,
    issuedAt: typeof payload.iat === 'number' ? payload.iat : undefined,
    expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
  };
}
