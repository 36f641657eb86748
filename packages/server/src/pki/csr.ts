import 'reflect-metadata';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { AppError } from '../errors.js';

/** Largest CSR accepted (a P-256 PKCS#10 request is about 250 bytes). */
export const MAX_CSR_BYTES = 8 * 1024;

const invalid = (detail: string, cause?: unknown) =>
  new AppError('invalid_csr', detail, cause === undefined ? {} : { cause });

/**
 * CertificationRequest ::= SEQUENCE { info SEQUENCE, algorithm SEQUENCE, signature BIT STRING }
 * with universal tags and a whole-byte signature (RFC 2986 §4.2); the schema parser alone is
 * lenient about the unsigned envelope.
 */
function strictEnvelope(value: asn1js.AsnType): boolean {
  if (!(value instanceof asn1js.Sequence) || value.valueBlock.value.length !== 3) return false;
  const [info, algorithm, signature] = value.valueBlock.value;
  if (
    !(info instanceof asn1js.Sequence) ||
    !(algorithm instanceof asn1js.Sequence) ||
    !(signature instanceof asn1js.BitString) ||
    signature.valueBlock.unusedBits !== 0
  ) {
    return false;
  }
  // ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, in DER.
  const bytes = signature.valueBlock.valueHexView;
  const sig = asn1js.fromBER(bytes);
  if (sig.offset !== bytes.byteLength || !(sig.result instanceof asn1js.Sequence)) return false;
  const parts = sig.result.valueBlock.value;
  return (
    parts.length === 2 &&
    parts.every((p) => p instanceof asn1js.Integer) &&
    Buffer.compare(Buffer.from(sig.result.toBER(false)), Buffer.from(bytes)) === 0
  );
}

/**
 * Parse a PKCS#10 request and check proof of possession: its signature must verify under the
 * public key it carries, and that key must be EC P-256 (SPEC F4). Returns the public key.
 */
export async function verifyCsr(der: Uint8Array): Promise<x509.PublicKey> {
  if (der.byteLength === 0) throw invalid('the CSR is empty');
  if (der.byteLength > MAX_CSR_BYTES)
    throw invalid(`the CSR is larger than ${MAX_CSR_BYTES} bytes`);
  // One complete DER structure and nothing else: a lenient parser must not decide what was signed.
  const outer = asn1js.fromBER(der);
  if (
    outer.offset !== der.byteLength ||
    outer.result.error !== '' ||
    Buffer.compare(Buffer.from(outer.result.toBER(false)), Buffer.from(der)) !== 0 ||
    !strictEnvelope(outer.result)
  ) {
    throw invalid('the CSR is not a single DER structure');
  }
  let csr: x509.Pkcs10CertificateRequest;
  let algorithm: webcrypto.EcKeyAlgorithm;
  try {
    csr = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
    algorithm = csr.publicKey.algorithm as webcrypto.EcKeyAlgorithm;
  } catch (cause) {
    throw invalid('the CSR is not a DER-encoded PKCS#10 certification request', cause);
  }
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw invalid('the CSR key must be an EC P-256 key');
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch (cause) {
    throw invalid('the CSR signature cannot be checked', cause);
  }
  if (!verified) throw invalid('the CSR signature does not verify: no proof of possession');
  return csr.publicKey;
}
