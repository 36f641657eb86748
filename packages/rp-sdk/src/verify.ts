import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { BasicOCSPResponse, OCSPResponse, OCSPResponseStatus } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
} from '@peculiar/x509';

/** Why a completed result is not to be trusted; `code` is stable for programs. */
export type VerificationErrorCode =
  | 'not_ok'
  | 'missing_member'
  | 'untrusted_certificate'
  | 'wrong_key_usage'
  | 'bad_signature'
  | 'binding_mismatch'
  | 'ocsp_invalid'
  | 'certificate_not_good';

export class VerificationError extends Error {
  readonly code: VerificationErrorCode;
  constructor(code: VerificationErrorCode, message: string) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
  }
}

export interface TrustAnchors {
  /** The issuing CA and the root (PEM or DER), as `/pki/ca.pem` and `/pki/root.pem` serve them. */
  issuing: string | Uint8Array;
  root: string | Uint8Array;
}

const HASH_OF: Record<string, string> = {
  'ecdsa-with-SHA256': 'sha256',
  'ecdsa-with-SHA384': 'sha384',
  'ecdsa-with-SHA512': 'sha512',
};

function cert(input: string | Uint8Array): X509Certificate {
  return new X509Certificate(typeof input === 'string' ? input : new Uint8Array(input));
}

/** The certificate chains issuing CA → root and is valid at `at`. */
export async function checkChain(
  leaf: X509Certificate,
  anchors: TrustAnchors,
  at: Date,
): Promise<void> {
  const issuing = cert(anchors.issuing);
  const root = cert(anchors.root);
  const ok =
    (await leaf.verify({ publicKey: issuing, date: at })) &&
    (await issuing.verify({ publicKey: root, date: at })) &&
    (await root.verify({ publicKey: root, date: at }));
  if (!ok)
    throw new VerificationError(
      'untrusted_certificate',
      'the certificate does not chain to the trusted CA',
    );
}

function hasKeyUsage(c: X509Certificate, flag: KeyUsageFlags): boolean {
  const ku = c.getExtension(KeyUsagesExtension);
  return ku !== null && (ku.usages & flag) !== 0;
}

/**
 * The OCSP response is successful, signed by the issuing CA or a responder it delegated
 * (id-kp-OCSPSigning), is about this certificate and says good.
 */
export async function checkOcsp(
  der: Uint8Array,
  leaf: X509Certificate,
  anchors: TrustAnchors,
): Promise<void> {
  let basic: BasicOCSPResponse;
  try {
    const response = AsnConvert.parse(der, OCSPResponse);
    if (response.responseStatus !== OCSPResponseStatus.successful || !response.responseBytes)
      throw new Error(`status ${response.responseStatus}`);
    basic = AsnConvert.parse(response.responseBytes.response.buffer, BasicOCSPResponse);
  } catch (err) {
    throw new VerificationError('ocsp_invalid', `unreadable OCSP response: ${String(err)}`);
  }
  const issuing = cert(anchors.issuing);
  const signers = [
    issuing,
    ...(basic.certs ?? []).map((c) => cert(new Uint8Array(AsnConvert.serialize(c)))),
  ];
  const tbs = Buffer.from(AsnConvert.serialize(basic.tbsResponseData));
  const algorithm = basic.signatureAlgorithm.algorithm;
  const hash = algorithm.endsWith('.4.3.3')
    ? 'sha384'
    : algorithm.endsWith('.4.3.4')
      ? 'sha512'
      : 'sha256';
  let trusted = false;
  for (const signer of signers) {
    const delegated =
      signer !== issuing &&
      (await signer.verify({ publicKey: issuing })) &&
      (signer.getExtension(ExtendedKeyUsageExtension)?.usages ?? []).includes(
        ExtendedKeyUsage.ocspSigning,
      );
    if (signer !== issuing && !delegated) continue;
    const key = createPublicKey({
      key: Buffer.from(signer.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    if (verifySignature(hash, tbs, { key, dsaEncoding: 'der' }, Buffer.from(basic.signature))) {
      trusted = true;
      break;
    }
  }
  if (!trusted)
    throw new VerificationError(
      'ocsp_invalid',
      'the OCSP response is not signed by the CA or its responder',
    );
  const single = basic.tbsResponseData.responses.find(
    (r) =>
      Buffer.from(r.certID.serialNumber).toString('hex').replace(/^0+/, '') ===
      leaf.serialNumber.toLowerCase().replace(/^0+/, ''),
  );
  if (!single)
    throw new VerificationError('ocsp_invalid', 'the OCSP response is about another certificate');
  if (single.certStatus.good === undefined)
    throw new VerificationError('certificate_not_good', 'OCSP says the certificate is not good');
}

export interface CompletedResult {
  state: 'COMPLETE';
  result: { endResult: string };
  signature?: { value: string; algorithm: string; signedData?: string };
  certificate?: string;
  ocspResponse?: string;
  subject?: { sub: string; [claim: string]: unknown };
}

/**
 * Everything an RP must check before trusting a completed session (SPEC §3, §4.3): end result OK,
 * certificate chains to the CA, right key usage, OCSP good at completion, the signature verifies,
 * and for authentication the signedData binds this RP, this challenge and the code shown.
 */
export async function verifyResult(
  result: CompletedResult,
  expect: {
    kind: 'auth' | 'sign';
    clientId: string;
    /** The RP's challenge (auth) or the digest it asked to sign (sign). */
    hash: Uint8Array;
    verificationCode?: string;
    anchors: TrustAnchors;
    now?: Date;
  },
): Promise<{ certificate: X509Certificate; sub?: string }> {
  if (result.result.endResult !== 'OK')
    throw new VerificationError('not_ok', `the session ended ${result.result.endResult}`);
  if (!result.certificate || !result.signature || !result.ocspResponse)
    throw new VerificationError('missing_member', 'certificate, signature or ocspResponse missing');
  const leaf = cert(Buffer.from(result.certificate, 'base64'));
  await checkChain(leaf, expect.anchors, expect.now ?? new Date());
  const usage =
    expect.kind === 'auth' ? KeyUsageFlags.digitalSignature : KeyUsageFlags.nonRepudiation;
  if (!hasKeyUsage(leaf, usage))
    throw new VerificationError('wrong_key_usage', `not a ${expect.kind} certificate`);
  await checkOcsp(Buffer.from(result.ocspResponse, 'base64'), leaf, expect.anchors);
  const hashName = HASH_OF[result.signature.algorithm];
  if (!hashName)
    throw new VerificationError('bad_signature', `unknown algorithm ${result.signature.algorithm}`);
  const key = createPublicKey({
    key: Buffer.from(leaf.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  const value = Buffer.from(result.signature.value, 'base64');
  let ok: boolean;
  if (expect.kind === 'auth') {
    if (!result.signature.signedData)
      throw new VerificationError('missing_member', 'signedData missing from an authentication');
    const signedData = Buffer.from(result.signature.signedData, 'base64');
    const bound = JSON.parse(signedData.toString('utf8')) as Record<string, unknown>;
    if (
      bound.type !== 'auth' ||
      bound.rp !== expect.clientId ||
      bound.challenge !== Buffer.from(expect.hash).toString('base64') ||
      (expect.verificationCode !== undefined && bound.vc !== expect.verificationCode)
    )
      throw new VerificationError(
        'binding_mismatch',
        'signedData is not about this RP, challenge and code',
      );
    ok = verifySignature(hashName, signedData, { key, dsaEncoding: 'der' }, value);
  } else {
    // The phone signed the RP's digest itself (SPEC F15): verify over the digest, not a hash of it.
    const jwk = key.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x ?? '', 'base64url'),
      Buffer.from(jwk.y ?? '', 'base64url'),
    ]);
    ok = p256.verify(value, expect.hash, point, { prehash: false, format: 'der', lowS: false });
  }
  if (!ok)
    throw new VerificationError(
      'bad_signature',
      'the signature does not verify with the certificate',
    );
  return result.subject?.sub === undefined
    ? { certificate: leaf }
    : { certificate: leaf, sub: result.subject.sub };
}
