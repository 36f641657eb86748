import 'reflect-metadata';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';

/**
 * A PKCS#10 request (DER) signed by the key it names: the proof of possession of F4. The subject
 * is only a label; the CA writes the person's name from the registry.
 */
export async function createCsr(keys: CryptoKeyPair, subject: string): Promise<Uint8Array> {
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: subject, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } },
    crypto,
  );
  return new Uint8Array(csr.rawData);
}
