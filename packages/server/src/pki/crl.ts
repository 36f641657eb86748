import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import type { CaSigner } from './ca.js';
import { wholeSeconds } from './ocsp.js';
import { OID } from './oids.js';

export interface CrlEntryInput {
  serialHex: string;
  status: string;
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** A CRL (RFC 5280 §5) of the issuing CA, signed by it, with CRL number and AKI. */
export async function signCrl(
  issuing: CaSigner,
  entries: CrlEntryInput[],
  options: { crlNumber: number; thisUpdate: Date; nextUpdate: Date },
): Promise<Buffer> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuing.cert.subjectName,
    thisUpdate: wholeSeconds(options.thisUpdate),
    nextUpdate: wholeSeconds(options.nextUpdate),
    signingAlgorithm: { name: 'ECDSA', hash: issuing.hash },
    signingKey: issuing.key,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(issuing.cert.publicKey),
      new x509.Extension(
        OID.crlNumber,
        false,
        new asn1js.Integer({ value: options.crlNumber }).toBER(false),
      ),
    ],
    entries: entries.map((e) => ({
      serialNumber: e.serialHex,
      revocationDate: wholeSeconds(e.revokedAt ?? options.thisUpdate),
      reason:
        e.status === 'suspended'
          ? x509.X509CrlReason.certificateHold
          : (x509.X509CrlReason[
              (e.revocationReason ?? 'unspecified') as keyof typeof x509.X509CrlReason
            ] ?? x509.X509CrlReason.unspecified),
    })),
  });
  return Buffer.from(crl.rawData);
}
