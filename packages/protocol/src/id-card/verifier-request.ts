import 'reflect-metadata';
import {
  CertificatePolicyExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
} from '@peculiar/x509';
import { base64url, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { decodeBase64, encodeBase64 } from './base64.js';
import { type IdCardClaim, isIdCardClaim, sortIdCardClaims } from './id-card-claims.js';
import { IdCardError } from './id-card-error.js';
import {
  decodeVerifierRoleAttributes,
  parsedOidForm,
  SUBJECT_DIRECTORY_ATTRIBUTES_OID,
  VERIFIER_CERTIFICATE_POLICY_OID,
  type VerifierRole,
} from './verifier-role.js';

/**
 * The verifier's request (SPEC F21), shown as a QR code: a compact JWS, typ
 * `openmid-vp-request+jwt`, ES256, signed with the verifier certificate's key, the certificate in
 * `x5c` (optionally followed by the issuing CA). Payload:
 *
 *   { iss: client_id, aud: 'openmid:wallet', iat, exp, nonce, claims: [...], organisation, role }
 *
 * `client_id` is `x509_hash:` + base64url(SHA-256(certificate DER)) (the OpenID4VP client
 * identifier prefix); the wallet's key-binding JWT names it as `aud`. The wallet accepts the
 * request only when the certificate chains to the platform's CA, is a verifier certificate, and
 * every requested claim is in the certificate's role claim set.
 */
export const VERIFIER_REQUEST_TYP = 'openmid-vp-request+jwt';
export const WALLET_AUDIENCE = 'openmid:wallet';
/** The longest a request may live (exp - iat), in seconds. */
export const MAX_REQUEST_LIFETIME_SECONDS = 600;

export interface TrustAnchors {
  /** The issuing CA and the root, DER (the wallet got them at activation; /pki/ca.cer, root.cer). */
  issuing: Uint8Array;
  root: Uint8Array;
}

export interface VerifierRequest extends VerifierRole {
  clientId: string;
  nonce: string;
  /** The claims asked for (a subset of the role's). */
  requested: IdCardClaim[];
  issuedAt: number;
  expiresAt: number;
  /** The verifier certificate's subject, for the consent screen. */
  subject: string;
  certificateSerial: string;
}

const bytes = (value: ArrayBuffer | Uint8Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(value) as Uint8Array<ArrayBuffer>;

/** `x509_hash:` client identifier of a verifier certificate. */
export async function verifierClientId(certificateDer: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes(certificateDer));
  return `x509_hash:${base64url.encode(new Uint8Array(digest))}`;
}

/** The role a verifier certificate states; throws IdCardError untrusted_verifier if none. */
export function verifierRoleOf(certificate: X509Certificate): VerifierRole {
  const extension = certificate.getExtension(SUBJECT_DIRECTORY_ATTRIBUTES_OID);
  if (!extension) {
    throw new IdCardError('untrusted_verifier', 'this is not a verifier certificate (no role)');
  }
  return decodeVerifierRoleAttributes(bytes(extension.value));
}

function checkRequestedClaims(claims: unknown, role: VerifierRole): IdCardClaim[] {
  if (
    !Array.isArray(claims) ||
    claims.length === 0 ||
    !claims.every(isIdCardClaim) ||
    new Set(claims).size !== claims.length
  ) {
    throw new IdCardError('invalid_request', 'claims must be a non-empty list of ID card claims');
  }
  const extra = claims.filter((c) => !role.claims.includes(c));
  if (extra.length > 0) {
    throw new IdCardError(
      'claims_not_allowed',
      `the role ${role.role} may not ask for ${extra.join(', ')}`,
      { claims: extra },
    );
  }
  return sortIdCardClaims(claims);
}

/**
 * Sign a request with the verifier certificate's key. `claims` defaults to the role's whole set;
 * asking for more than the role allows throws IdCardError claims_not_allowed.
 */
export async function createVerifierRequest(input: {
  key: CryptoKey;
  certificateDer: Uint8Array;
  claims?: readonly IdCardClaim[];
  now?: Date;
  lifetimeSeconds?: number;
}): Promise<{
  jws: string;
  nonce: string;
  clientId: string;
  claims: IdCardClaim[];
  expiresAt: number;
}> {
  const certificate = new X509Certificate(bytes(input.certificateDer));
  const role = verifierRoleOf(certificate);
  const claims = checkRequestedClaims(input.claims ?? role.claims, role);
  const lifetime = input.lifetimeSeconds ?? 300;
  if (lifetime <= 0 || lifetime > MAX_REQUEST_LIFETIME_SECONDS) {
    throw new IdCardError('invalid_request', 'the request lifetime is out of range');
  }
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(18)));
  const clientId = await verifierClientId(input.certificateDer);
  const jws = await new SignJWT({
    nonce,
    claims,
    organisation: role.organisation,
    role: role.role,
  })
    .setProtectedHeader({
      alg: 'ES256',
      typ: VERIFIER_REQUEST_TYP,
      x5c: [encodeBase64(input.certificateDer)],
    })
    .setIssuer(clientId)
    .setAudience(WALLET_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(input.key);
  return { jws, nonce, clientId, claims, expiresAt: iat + lifetime };
}

function decodeX5c(value: unknown): Uint8Array[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 2) {
    throw new IdCardError('invalid_request', 'x5c must carry the verifier certificate');
  }
  return value.map((item) => {
    try {
      if (typeof item !== 'string' || item.length === 0) throw new TypeError('not a string');
      return decodeBase64(item);
    } catch (cause) {
      throw new IdCardError('invalid_request', 'x5c entries must be base64 DER', { cause });
    }
  });
}

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);

/** The certificate chains verifier → issuing CA → root at `at` and is a verifier certificate. */
async function checkVerifierCertificate(
  chain: Uint8Array[],
  trust: TrustAnchors,
  at: Date,
): Promise<X509Certificate> {
  const [leafDer, intermediate] = chain as [Uint8Array, Uint8Array | undefined];
  if (intermediate && !equalBytes(intermediate, trust.issuing)) {
    throw new IdCardError('untrusted_verifier', 'the chain names another issuing CA');
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(bytes(leafDer));
  } catch (cause) {
    throw new IdCardError('invalid_request', 'the verifier certificate does not parse', { cause });
  }
  const issuing = new X509Certificate(bytes(trust.issuing));
  const root = new X509Certificate(bytes(trust.root));
  const chained =
    (await leaf.verify({ publicKey: issuing, date: at })) &&
    (await issuing.verify({ publicKey: root, date: at })) &&
    (await root.verify({ publicKey: root, date: at }));
  if (!chained) {
    throw new IdCardError(
      'untrusted_verifier',
      'the verifier certificate does not chain to the platform CA, or is outside its validity',
    );
  }
  const usage = leaf.getExtension(KeyUsagesExtension);
  const policies = leaf.getExtension(CertificatePolicyExtension);
  if (
    !usage ||
    (usage.usages & KeyUsageFlags.digitalSignature) === 0 ||
    !policies?.policies.some(
      (p) =>
        p === VERIFIER_CERTIFICATE_POLICY_OID ||
        p === parsedOidForm(VERIFIER_CERTIFICATE_POLICY_OID),
    )
  ) {
    throw new IdCardError('untrusted_verifier', 'this is not a verifier certificate');
  }
  return leaf;
}

/**
 * The wallet's check of a scanned request: signature, certificate chain and profile, lifetime,
 * audience, and requested claims ⊆ the role's claims. Throws IdCardError.
 */
export async function verifyVerifierRequest(
  jws: string,
  options: { trust: TrustAnchors; now?: Date },
): Promise<VerifierRequest> {
  const now = options.now ?? new Date();
  if (typeof jws !== 'string' || jws.length > 16_384) {
    throw new IdCardError('invalid_request', 'the request is too large');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (cause) {
    throw new IdCardError('invalid_request', 'the request is not a JWS', { cause });
  }
  if (header.typ !== VERIFIER_REQUEST_TYP || header.alg !== 'ES256') {
    throw new IdCardError('invalid_request', 'the request has the wrong type or algorithm');
  }
  const chain = decodeX5c(header.x5c);
  const certificate = await checkVerifierCertificate(chain, options.trust, now);
  const role = verifierRoleOf(certificate);
  const clientId = await verifierClientId(chain[0] as Uint8Array);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jws, await certificate.publicKey.export(), {
      algorithms: ['ES256'],
      typ: VERIFIER_REQUEST_TYP,
      issuer: clientId,
      audience: WALLET_AUDIENCE,
      currentDate: now,
      requiredClaims: ['iat', 'exp', 'nonce'],
    }));
  } catch (cause) {
    throw new IdCardError('invalid_request', 'the request signature or lifetime is not valid', {
      cause,
    });
  }
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  if (exp - iat > MAX_REQUEST_LIFETIME_SECONDS || iat > Math.floor(now.getTime() / 1000) + 60) {
    throw new IdCardError('invalid_request', 'the request lifetime is out of range');
  }
  if (
    typeof payload.nonce !== 'string' ||
    !/^[A-Za-z0-9_-]{16,128}$/.test(payload.nonce) ||
    payload.organisation !== role.organisation ||
    payload.role !== role.role
  ) {
    throw new IdCardError('invalid_request', 'the request does not match its certificate');
  }
  const requested = checkRequestedClaims(payload.claims, role);
  return {
    ...role,
    clientId,
    nonce: payload.nonce,
    requested,
    issuedAt: iat,
    expiresAt: exp,
    subject: certificate.subject,
    certificateSerial: certificate.serialNumber.toLowerCase(),
  };
}
