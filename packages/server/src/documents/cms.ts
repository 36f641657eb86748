import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Object identifiers used by the CMS structures we build (RFC 5652, RFC 5035, RFC 3161). */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ocspResponseRevInfo: '1.3.6.1.5.5.7.16.2',
} as const;

export const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());

/** Parse DER with asn1js; throws a plain Error on malformed input (callers map it). */
export function parseDer(der: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(`${what}: malformed DER (${parsed.result.error})`);
  return parsed.result;
}

// Parsing a certificate against pkijs' schema costs milliseconds; the same few (our CAs, a signer
// between prepare and complete) recur, so parsed ones are kept in a small LRU.
const parsedCertificates = new Map<string, pkijs.Certificate>();
const PARSED_CERTIFICATES_MAX = 128;

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const key = Buffer.from(der).toString('base64');
  const cached = parsedCertificates.get(key);
  if (cached) {
    parsedCertificates.delete(key);
    parsedCertificates.set(key, cached);
    return cached;
  }
  const certificate = new pkijs.Certificate({ schema: parseDer(der, 'certificate') });
  parsedCertificates.set(key, certificate);
  if (parsedCertificates.size > PARSED_CERTIFICATES_MAX) {
    const oldest = parsedCertificates.keys().next().value;
    if (oldest !== undefined) parsedCertificates.delete(oldest);
  }
  return certificate;
}

function derOf(value: { toSchema(): asn1js.AsnType }): Uint8Array {
  return new Uint8Array(value.toSchema().toBER(false));
}

/** X.690 §11.6: the components of a DER SET OF are in ascending order of their encodings. */
function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** RFC 5035 SigningCertificateV2 with one ESSCertIDv2 (SHA-256, the DEFAULT, so omitted). */
function signingCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array) {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new pkijs.GeneralNames({
        names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })],
      }).toSchema(),
      certificate.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: sha256(certificateDer) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export interface SignedAttributesInput {
  /** SHA-256 of the signed content (the PDF byte ranges or the whole file). */
  contentDigest: Uint8Array;
  signerCertificate: Uint8Array;
  /** CAdES carries signing-time; PAdES puts the time in the signature dictionary's M instead. */
  signingTime?: Date;
}

/**
 * The signed attributes of a CAdES / PAdES baseline signature, DER-encoded as the SET OF that the
 * signature covers (RFC 5652 §5.4): content-type, message-digest, signing-certificate-v2 and
 * optionally signing-time, sorted as DER requires.
 */
export function buildSignedAttributes(input: SignedAttributesInput): Uint8Array {
  const certificate = parseCertificate(input.signerCertificate);
  const attributes = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: OID.data })],
    }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: input.contentDigest })],
    }),
    new pkijs.Attribute({
      type: OID.signingCertificateV2,
      values: [signingCertificateV2(certificate, input.signerCertificate)],
    }),
  ];
  if (input.signingTime) {
    attributes.push(
      new pkijs.Attribute({
        type: OID.signingTime,
        values: [new asn1js.UTCTime({ valueDate: input.signingTime })],
      }),
    );
  }
  const encoded = attributes.map(derOf).sort(compareDer);
  const set = new asn1js.Set({ value: encoded.map((e) => parseDer(e, 'attribute')) });
  return new Uint8Array(set.toBER(false));
}

/** The attributes of a DER SET OF Attribute (as buildSignedAttributes made it). */
function attributesOf(setDer: Uint8Array): pkijs.Attribute[] {
  const set = parseDer(setDer, 'signed attributes');
  if (!(set instanceof asn1js.Set)) throw new Error('signed attributes: not a SET');
  return set.valueBlock.value.map((schema) => new pkijs.Attribute({ schema }));
}

export interface AssembleInput {
  signedAttributes: Uint8Array;
  /** DER ECDSA-Sig-Value over SHA-256 of signedAttributes. */
  signature: Uint8Array;
  signerCertificate: Uint8Array;
  /** Further certificates to carry (the issuing CA), DER. */
  chain: Uint8Array[];
  /** RFC 3161 TimeStampToken (DER ContentInfo) over SHA-256 of the signature value. */
  timeStampToken?: Uint8Array;
  /** OCSP responses (DER) carried as RFC 5940 other revocation info (CAdES B-LT). */
  ocspResponses?: Uint8Array[] | undefined;
}

/** A detached CMS SignedData (ContentInfo, DER) around an externally produced signature. */
export function assembleSignedData(input: AssembleInput): Uint8Array {
  const certificate = parseCertificate(input.signerCertificate);
  const sha256Alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
    }),
    digestAlgorithm: sha256Alg(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: attributesOf(input.signedAttributes),
    }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: input.signature }),
  });
  if (input.timeStampToken) {
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [
        new pkijs.Attribute({
          type: OID.timeStampToken,
          values: [parseDer(input.timeStampToken, 'time-stamp token')],
        }),
      ],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Alg()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [certificate, ...input.chain.map(parseCertificate)],
    signerInfos: [signerInfo],
  });
  if (input.ocspResponses?.length) {
    signedData.crls = input.ocspResponses.map(
      (der) =>
        new pkijs.OtherRevocationInfoFormat({
          otherRevInfoFormat: OID.ocspResponseRevInfo,
          otherRevInfo: parseDer(der, 'OCSP response'),
        }),
    );
  }
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
