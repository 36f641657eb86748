import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CaSigner } from './ca.js';
import { pkijsCertificate } from './ocsp.js';
import { OID } from './oids.js';
import { randomSerialHex } from './serial.js';

/**
 * RFC 3161 time-stamping with pkijs: TSTInfo in a CMS SignedData signed by the TSA key, with the
 * ESS signingCertificateV2 attribute (RFC 5816) that verifiers such as OpenSSL require.
 */

export type TsaHash = 'SHA-256' | 'SHA-384' | 'SHA-512';
export const TSA_HASHES: Record<TsaHash, { oid: string; length: number }> = {
  'SHA-256': { oid: '2.16.840.1.101.3.4.2.1', length: 32 },
  'SHA-384': { oid: '2.16.840.1.101.3.4.2.2', length: 48 },
  'SHA-512': { oid: '2.16.840.1.101.3.4.2.3', length: 64 },
};
const HASH_BY_OID = new Map(
  Object.entries(TSA_HASHES).map(([name, v]) => [v.oid, name as TsaHash]),
);

/** Largest time-stamp request body accepted. */
export const MAX_TSA_REQUEST_BYTES = 16 * 1024;

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
export const FailureInfo = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  systemFailure: 25,
} as const;

const ATTR = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

const attribute = (type: string, value: asn1js.BaseBlock) =>
  new pkijs.Attribute({ type, values: [value] });

/** DER requires SET OF members in ascending order of their encodings (X.690 §11.6). */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }));
  encoded.sort((x, y) => Buffer.compare(x.der, y.der));
  return encoded.map((e) => e.a);
}

export type TsaResult = { ok: true; token: Buffer } | { ok: false; failInfo: number; text: string };

export class TimeStampAuthority {
  readonly #signer: CaSigner;
  readonly #cert: pkijs.Certificate;
  readonly #chain: pkijs.Certificate[];
  readonly #essCertId: asn1js.Sequence;

  constructor(signer: CaSigner, issuingDer: Uint8Array) {
    this.#signer = signer;
    this.#cert = pkijsCertificate(signer.der);
    this.#chain = [this.#cert, pkijsCertificate(issuingDer)];
    // ESSCertIDv2 with the default hash algorithm (SHA-256) and the issuer and serial.
    const issuerSerial = new asn1js.Sequence({
      value: [
        new pkijs.GeneralNames({
          names: [new pkijs.GeneralName({ type: 4, value: this.#cert.issuer })],
        }).toSchema(),
        this.#cert.serialNumber,
      ],
    });
    this.#essCertId = new asn1js.Sequence({
      value: [
        new asn1js.OctetString({ valueHex: createHash('sha256').update(signer.der).digest() }),
        issuerSerial,
      ],
    });
  }

  /** A TimeStampToken (DER ContentInfo) over a digest. */
  async token(options: {
    digest: Uint8Array;
    hash: TsaHash;
    time: Date;
    nonce?: asn1js.Integer | undefined;
    includeCertificates: boolean;
  }): Promise<Buffer> {
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: OID.openmidTsaPolicy,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: TSA_HASHES[options.hash].oid }),
        hashedMessage: new asn1js.OctetString({ valueHex: options.digest }),
      }),
      serialNumber: new asn1js.Integer({ valueHex: Buffer.from(randomSerialHex(), 'hex') }),
      genTime: options.time,
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
    const content = Buffer.from(tstInfo.toSchema().toBER(false));
    const digestName = this.#signer.hash === 'SHA-384' ? 'sha384' : 'sha256';
    const signedAttrs = derSorted([
      attribute(ATTR.contentType, new asn1js.ObjectIdentifier({ value: OID.ctTstInfo })),
      attribute(
        ATTR.signingTime,
        new asn1js.UTCTime({
          valueDate: new Date(Math.floor(options.time.getTime() / 1000) * 1000),
        }),
      ),
      attribute(
        ATTR.messageDigest,
        new asn1js.OctetString({ valueHex: createHash(digestName).update(content).digest() }),
      ),
      attribute(
        OID.aaSigningCertificateV2,
        new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [this.#essCertId] })] }),
      ),
    ]);
    const signedData = new pkijs.SignedData({
      version: 3,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: OID.ctTstInfo,
        eContent: new asn1js.OctetString({ valueHex: content }),
      }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({
            issuer: this.#cert.issuer,
            serialNumber: this.#cert.serialNumber,
          }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttrs }),
        }),
      ],
      ...(options.includeCertificates ? { certificates: this.#chain } : {}),
    });
    await signedData.sign(this.#signer.key, 0, this.#signer.hash);
    const contentInfo = new pkijs.ContentInfo({
      contentType: pkijs.ContentInfo.SIGNED_DATA,
      content: signedData.toSchema(true),
    });
    return Buffer.from(contentInfo.toSchema().toBER(false));
  }

  /** Answer a DER TimeStampReq (RFC 3161 §2.4.1) with a DER TimeStampResp (§2.4.2). */
  async respond(der: Uint8Array, time: Date): Promise<Buffer> {
    const result = await this.#answer(der, time);
    const status = result.ok
      ? new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted })
      : new pkijs.PKIStatusInfo({
          status: pkijs.PKIStatus.rejection,
          statusStrings: [new asn1js.Utf8String({ value: result.text })],
          failInfo: failInfoBits(result.failInfo),
        });
    const resp = new pkijs.TimeStampResp({
      status,
      ...(result.ok
        ? { timeStampToken: new pkijs.ContentInfo({ schema: asn1js.fromBER(result.token).result }) }
        : {}),
    });
    return Buffer.from(resp.toSchema().toBER(false));
  }

  async #answer(der: Uint8Array, time: Date): Promise<TsaResult> {
    const reject = (failInfo: number, text: string): TsaResult => ({ ok: false, failInfo, text });
    if (der.byteLength === 0 || der.byteLength > MAX_TSA_REQUEST_BYTES) {
      return reject(FailureInfo.badDataFormat, 'the request is empty or too large');
    }
    let req: pkijs.TimeStampReq;
    try {
      const asn = asn1js.fromBER(der);
      if (asn.offset === -1 || asn.offset !== der.byteLength) throw new Error('not DER');
      req = new pkijs.TimeStampReq({ schema: asn.result });
    } catch {
      return reject(FailureInfo.badDataFormat, 'the request is not a DER TimeStampReq');
    }
    if (req.version !== 1) return reject(FailureInfo.badRequest, 'unsupported request version');
    const hash = HASH_BY_OID.get(req.messageImprint.hashAlgorithm.algorithmId);
    if (!hash) return reject(FailureInfo.badAlg, 'the imprint must be SHA-256, SHA-384 or SHA-512');
    const digest = req.messageImprint.hashedMessage.valueBlock.valueHexView;
    if (digest.byteLength !== TSA_HASHES[hash].length) {
      return reject(FailureInfo.badDataFormat, `the ${hash} imprint has the wrong length`);
    }
    if (req.reqPolicy !== undefined && req.reqPolicy !== OID.openmidTsaPolicy) {
      return reject(FailureInfo.unacceptedPolicy, 'this TSA serves only its own policy');
    }
    if (req.extensions && req.extensions.length > 0) {
      return reject(FailureInfo.unacceptedExtension, 'request extensions are not supported');
    }
    const token = await this.token({
      digest: new Uint8Array(digest),
      hash,
      time,
      nonce: req.nonce,
      includeCertificates: req.certReq === true,
    });
    return { ok: true, token };
  }
}

/** A PKIFailureInfo BIT STRING with one bit set. */
function failInfoBits(bit: number): asn1js.BitString {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> (bit % 8);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (bit % 8) });
}

/** A TimeStampResp with status rejection (for requests that cannot even be read). */
export function tsaRejection(bit: number, text: string): Buffer {
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: text })],
      failInfo: failInfoBits(bit),
    }),
  });
  return Buffer.from(resp.toSchema().toBER(false));
}
