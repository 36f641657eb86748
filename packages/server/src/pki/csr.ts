import 'reflect-metadata';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AppError } from '../errors.js';

/** Largest CSR accepted (a P-256 PKCS#10 request is about 250 bytes). */
export const MAX_CSR_BYTES = 8 * 1024;

const invalid = (detail: string, cause?: unknown) =>
  new AppError('invalid_csr', detail, cause === undefined ? {} : { cause });

/**
 * Parse a PKCS#10 request and check proof of possession: its signature must verify under the
 * public key it carries, and that key must be EC P-256 (SPEC F4). Returns the public key.
 */
export async function verifyCsr(der: Uint8Array): Promise<x509.PublicKey> {
  if (der.byteLength === 0) throw invalid('the CSR is empty');
  if (der.byteLength > MAX_CSR_BYTES)
    throw invalid(`the CSR is larger than ${MAX_CSR_BYTES} bytes`);
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
