import { verify, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { assembleSignedData, buildSignedAttributes, parseDer, sha256 } from './cms.js';
import { addDss, type ByteRange, embedCms, preparePdf } from './pades.js';
import { DocumentError } from './pdf-document.js';
import type { PdfFonts } from './pdf-fonts.js';
import type { VisibleSignature } from './visible-signature.js';

/**
 * Signature assembly, independent of HTTP and of the phone: prepare what the signer must sign,
 * then, given the external ECDSA signature, finish a PAdES or CAdES signature at the level asked.
 */
export type SignatureFormat = 'PAdES' | 'CAdES';
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT';

/** The trust services the assembly needs (ctx.pki implements them). */
export interface TrustServices {
  timestamp(digest: Uint8Array, hashAlgorithm: 'SHA-256'): Promise<Uint8Array>;
  ocspResponseFor(serialHex: string): Promise<Uint8Array>;
  caCertificates(): { issuing: Uint8Array; root: Uint8Array };
}

export interface PrepareRequest {
  format: SignatureFormat;
  level: SignatureLevel;
  document: Uint8Array;
  /** The signing certificate the signer will sign with (it is bound into the signed attributes). */
  signerCertificate: Uint8Array;
  signingTime: Date;
  reason?: string;
  location?: string;
  /** PAdES only: draw the signature on a page. */
  visible?: VisibleSignature;
  /** Fonts for the visible signature (default: the shipped font only). */
  fonts?: PdfFonts;
}

export interface PreparedSignature {
  format: SignatureFormat;
  level: SignatureLevel;
  signerCertificate: Uint8Array;
  /** DER SET OF the signed attributes. */
  signedAttributes: Uint8Array;
  /** SHA-256 of signedAttributes: what the phone signs with PIN2. */
  digestToSign: Uint8Array;
  /** PAdES: the PDF with its signature dictionary and ByteRange, /Contents still empty. */
  preparedPdf?: Uint8Array;
  byteRange?: ByteRange;
}

/** The serial number as lowercase hex, as the PKI names certificates. */
export function serialHexOf(der: Uint8Array): string {
  return new X509Certificate(der).serialNumber.toLowerCase();
}

function commonName(der: Uint8Array): string {
  const subject = new X509Certificate(der).subject;
  return /^CN=(.*)$/m.exec(subject)?.[1] ?? subject.replace(/\n/g, ', ');
}

export async function prepareSignature(request: PrepareRequest): Promise<PreparedSignature> {
  if (request.format === 'PAdES') {
    const prepared = await preparePdf(request.document, {
      signerName: commonName(request.signerCertificate),
      reason: request.reason,
      location: request.location,
      signingTime: request.signingTime,
      visible: request.visible,
      ...(request.fonts ? { fonts: request.fonts } : {}),
    });
    const signedAttributes = buildSignedAttributes({
      contentDigest: prepared.digest,
      signerCertificate: request.signerCertificate,
    });
    return {
      format: 'PAdES',
      level: request.level,
      signerCertificate: request.signerCertificate,
      signedAttributes,
      digestToSign: sha256(signedAttributes),
      preparedPdf: prepared.pdf,
      byteRange: prepared.byteRange,
    };
  }
  if (request.visible) throw new DocumentError('a visible signature needs PAdES');
  const signedAttributes = buildSignedAttributes({
    contentDigest: sha256(request.document),
    signerCertificate: request.signerCertificate,
    signingTime: request.signingTime,
  });
  return {
    format: 'CAdES',
    level: request.level,
    signerCertificate: request.signerCertificate,
    signedAttributes,
    digestToSign: sha256(signedAttributes),
  };
}

/** Whether a DER ECDSA signature over the signed attributes verifies with the certificate's key. */
export function signatureMatches(
  prepared: Pick<PreparedSignature, 'signedAttributes' | 'signerCertificate'>,
  signature: Uint8Array,
): boolean {
  try {
    const key = new X509Certificate(prepared.signerCertificate).publicKey;
    return verify('sha256', prepared.signedAttributes, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** The certificates inside a time-stamp token (the TSA's), DER. */
function tokenCertificates(token: Uint8Array): Uint8Array[] {
  const info = new pkijs.ContentInfo({ schema: parseDer(token, 'time-stamp token') });
  const signed = new pkijs.SignedData({ schema: info.content });
  return (signed.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new Uint8Array(c.toSchema().toBER(false)));
}

/**
 * Finish a prepared signature with the signer's DER ECDSA signature: CMS SignedData, the
 * signature time-stamp for B-T and above (RFC 3161 over the signature value), and for PAdES
 * B-LT a DSS with the chain and OCSP responses. Returns the signed PDF or the detached .p7s.
 */
export async function completeSignature(
  prepared: PreparedSignature,
  signature: Uint8Array,
  trust: TrustServices,
): Promise<Uint8Array> {
  if (!signatureMatches(prepared, signature)) {
    throw new DocumentError('the signature does not verify with the signing certificate');
  }
  const cas = trust.caCertificates();
  const timeStampToken =
    prepared.level === 'B-B' ? undefined : await trust.timestamp(sha256(signature), 'SHA-256');
  const cms = assembleSignedData({
    signedAttributes: prepared.signedAttributes,
    signature,
    signerCertificate: prepared.signerCertificate,
    chain: [cas.issuing],
    timeStampToken,
    ocspResponses:
      prepared.format === 'CAdES' && prepared.level === 'B-LT'
        ? [await trust.ocspResponseFor(serialHexOf(prepared.signerCertificate))]
        : undefined,
  });
  if (prepared.format === 'CAdES') return cms;
  if (!prepared.preparedPdf || !prepared.byteRange) throw new Error('PAdES without a prepared PDF');
  const signed = embedCms(prepared.preparedPdf, prepared.byteRange, cms);
  if (prepared.level !== 'B-LT') return signed;
  return addDss(signed, {
    certificates: [
      prepared.signerCertificate,
      cas.issuing,
      cas.root,
      ...(timeStampToken ? tokenCertificates(timeStampToken) : []),
    ],
    ocspResponses: [await trust.ocspResponseFor(serialHexOf(prepared.signerCertificate))],
  });
}
