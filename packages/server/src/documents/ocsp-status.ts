import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseDer } from './cms.js';

export type CertificateStatusAtTime = 'GOOD' | 'REVOKED' | 'UNKNOWN';

export interface OcspFinding {
  status: CertificateStatusAtTime;
  producedAt: Date;
  revokedAt?: Date;
}

const BASIC_OCSP = '1.3.6.1.5.5.7.48.1.1';

function basicResponse(der: Uint8Array): pkijs.BasicOCSPResponse | undefined {
  try {
    const response = new pkijs.OCSPResponse({ schema: parseDer(der, 'OCSP response') });
    if (response.responseStatus.valueBlock.valueDec !== 0) return undefined;
    const bytes = response.responseBytes;
    if (!bytes || bytes.responseType !== BASIC_OCSP) return undefined;
    return new pkijs.BasicOCSPResponse({
      schema: parseDer(bytes.response.valueBlock.valueHexView, 'BasicOCSPResponse'),
    });
  } catch {
    return undefined;
  }
}

/**
 * What an OCSP response (RFC 6960) says about `certificate` at `time`: it must be signed by the
 * issuer or by a responder the issuer authorised, and name the certificate. A response that does
 * not apply, or does not verify, yields undefined. Revocation after `time` means it was good then.
 */
export async function ocspStatusAt(
  der: Uint8Array,
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  time: Date,
): Promise<OcspFinding | undefined> {
  const basic = basicResponse(der);
  if (!basic) return undefined;
  let single: pkijs.SingleResponse | undefined;
  for (const candidate of basic.tbsResponseData.responses) {
    try {
      if (
        candidate.certID.serialNumber.isEqual(certificate.serialNumber) &&
        (await candidate.certID.isEqual(
          await certIdFor(certificate, issuer, candidate.certID.hashAlgorithm.algorithmId),
        ))
      ) {
        single = candidate;
        break;
      }
    } catch {}
  }
  if (!single) return undefined;
  // A response the issuer signs itself may omit its certificate (RFC 6960 §4.2.1).
  if (!basic.certs?.length) basic.certs = [issuer];
  try {
    if (!(await basic.verify({ trustedCerts: [issuer], trustedResponders: [issuer] }))) {
      return undefined;
    }
  } catch {
    return undefined;
  }
  const producedAt = basic.tbsResponseData.producedAt;
  const status = single.certStatus as asn1js.BaseBlock;
  const tag = status.idBlock.tagNumber;
  if (tag === 0) return { status: 'GOOD', producedAt };
  if (tag === 1) {
    const inner = (status as asn1js.Constructed).valueBlock.value[0] as asn1js.GeneralizedTime;
    const revokedAt = inner.toDate();
    return { status: revokedAt > time ? 'GOOD' : 'REVOKED', producedAt, revokedAt };
  }
  return { status: 'UNKNOWN', producedAt };
}

const HASH_NAMES: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

async function certIdFor(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  hashOid: string,
): Promise<pkijs.CertID> {
  const id = new pkijs.CertID();
  await id.createForCertificate(certificate, {
    hashAlgorithm: HASH_NAMES[hashOid] ?? 'SHA-1',
    issuerCertificate: issuer,
  });
  return id;
}
