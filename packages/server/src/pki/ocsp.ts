import { createHash } from 'node:crypto';
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CaSigner } from './ca.js';
import { OID } from './oids.js';

/**
 * OCSP (RFC 6960) request parsing and response signing with pkijs. The delegated responder
 * certificate (id-kp-OCSPSigning, ocsp-nocheck) signs; the issuing CA is the only issuer served.
 */

/** OCSPResponseStatus (RFC 6960 §4.2.1). */
export const OcspStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

/** Largest OCSP request body accepted. */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
/** At most this many certificates in one request. */
export const MAX_OCSP_REQUESTS = 16;

const HASHES: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export const SHA1_OID = '1.3.14.3.2.26';

/** CRLReason codes (RFC 5280 §5.3.1). */
export const CRL_REASON_CODES: Record<string, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

export type OcspCertState =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: string }
  | { status: 'unknown' };

export interface ParsedRequest {
  /** The request's CertID for a freshly signed response (built only when needed). */
  certId(): pkijs.CertID;
  /** Serial number as lower-case hex of the INTEGER content octets. */
  serialHex: string;
  /** True when the CertID names our issuing CA (name and key hash under its hash algorithm). */
  ourIssuer: boolean;
  hashAlgorithm: string;
}

export interface ParsedOcspRequest {
  requests: ParsedRequest[];
  /** The nonce extension's extnValue content, echoed as is (RFC 6960 §4.4.1). */
  nonce: Uint8Array | undefined;
}

/** Seconds precision: GeneralizedTime in OCSP and CRLs carries no fractions (RFC 5280 §4.1.2.5.2). */
export const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

const toHex = (view: ArrayBuffer | Uint8Array): string =>
  Buffer.from(view instanceof Uint8Array ? view : new Uint8Array(view)).toString('hex');

/** Parses a DER certificate for pkijs. */
export function pkijsCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der));
}

export class OcspResponder {
  readonly #signer: CaSigner;
  readonly #responderCert: pkijs.Certificate;
  readonly #responderKeyHash: Buffer;
  /** hex(issuerNameHash) + ':' + hex(issuerKeyHash) for each hash algorithm. */
  readonly #issuerIds = new Map<string, string>();
  readonly #sha1Name: Buffer;
  readonly #sha1Key: Buffer;

  constructor(issuingDer: Uint8Array, signer: CaSigner) {
    this.#signer = signer;
    this.#responderCert = pkijsCertificate(signer.der);
    const responderKey =
      this.#responderCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    this.#responderKeyHash = createHash('sha1').update(responderKey).digest();
    const issuing = pkijsCertificate(issuingDer);
    const name = Buffer.from(issuing.subject.toSchema().toBER(false));
    const key = issuing.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    for (const [oid, alg] of Object.entries(HASHES)) {
      const nameHash = createHash(alg).update(name).digest();
      const keyHash = createHash(alg).update(key).digest();
      this.#issuerIds.set(oid, `${nameHash.toString('hex')}:${keyHash.toString('hex')}`);
      if (alg === 'sha1') {
        this.#sha1Name = nameHash;
        this.#sha1Key = keyHash;
      }
    }
    this.#sha1Name ??= Buffer.alloc(0);
    this.#sha1Key ??= Buffer.alloc(0);
  }

  /**
   * Parse a DER OCSPRequest; undefined when malformed (the caller answers malformedRequest).
   * The hot path of every OCSP request: @peculiar/asn1-ocsp parses about ten times faster than
   * pkijs's schema comparison (docs/pki.md, "Performance").
   */
  parseRequest(der: Uint8Array): ParsedOcspRequest | undefined {
    if (der.byteLength === 0 || der.byteLength > MAX_OCSP_REQUEST_BYTES) return undefined;
    try {
      const request = AsnConvert.parse(der, OCSPRequest);
      const list = request.tbsRequest.requestList;
      if (list.length === 0 || list.length > MAX_OCSP_REQUESTS) return undefined;
      const requests = list.map((r): ParsedRequest => {
        const id = r.reqCert;
        const hashAlgorithm = id.hashAlgorithm.algorithm;
        const nameHash = new Uint8Array(id.issuerNameHash.buffer);
        const keyHash = new Uint8Array(id.issuerKeyHash.buffer);
        const serial = new Uint8Array(id.serialNumber);
        const expected = this.#issuerIds.get(hashAlgorithm);
        return {
          certId: () =>
            new pkijs.CertID({
              hashAlgorithm: new pkijs.AlgorithmIdentifier({
                algorithmId: hashAlgorithm,
                algorithmParams: new asn1js.Null(),
              }),
              issuerNameHash: new asn1js.OctetString({ valueHex: nameHash }),
              issuerKeyHash: new asn1js.OctetString({ valueHex: keyHash }),
              serialNumber: new asn1js.Integer({ valueHex: serial }),
            }),
          serialHex: toHex(serial),
          ourIssuer: expected === `${toHex(nameHash)}:${toHex(keyHash)}`,
          hashAlgorithm,
        };
      });
      const nonceExt = request.tbsRequest.requestExtensions?.find(
        (e) => e.extnID === OID.ocspNonce,
      );
      return {
        requests,
        nonce: nonceExt ? new Uint8Array(nonceExt.extnValue.buffer) : undefined,
      };
    } catch {
      return undefined;
    }
  }

  /** The SHA-1 CertID of one of our certificates (the shape pre-signed responses carry). */
  certIdFor(serialHex: string): pkijs.CertID {
    return new pkijs.CertID({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: SHA1_OID,
        algorithmParams: new asn1js.Null(),
      }),
      issuerNameHash: new asn1js.OctetString({ valueHex: this.#sha1Name }),
      issuerKeyHash: new asn1js.OctetString({ valueHex: this.#sha1Key }),
      serialNumber: new asn1js.Integer({ valueHex: Buffer.from(serialHex, 'hex') }),
    });
  }

  /** Sign a successful response for the given certificates. */
  async sign(
    entries: { certId: pkijs.CertID; state: OcspCertState }[],
    times: { producedAt: Date; thisUpdate: Date; nextUpdate: Date },
    nonce?: Uint8Array,
  ): Promise<Buffer> {
    const basic = new pkijs.BasicOCSPResponse();
    const data = basic.tbsResponseData;
    data.responderID = new asn1js.OctetString({ valueHex: this.#responderKeyHash });
    data.producedAt = wholeSeconds(times.producedAt);
    data.responses = entries.map(
      ({ certId, state }) =>
        new pkijs.SingleResponse({
          certID: certId,
          certStatus: certStatus(state),
          thisUpdate: wholeSeconds(times.thisUpdate),
          // No nextUpdate for unknown: nothing will be known later that is not known now.
          ...(state.status === 'unknown' ? {} : { nextUpdate: wholeSeconds(times.nextUpdate) }),
        }),
    );
    if (nonce) {
      data.responseExtensions = [
        new pkijs.Extension({
          extnID: OID.ocspNonce,
          critical: false,
          extnValue: nonce.slice().buffer,
        }),
      ];
    }
    basic.certs = [this.#responderCert];
    await basic.sign(this.#signer.key, this.#signer.hash);
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: OcspStatus.successful }),
      responseBytes: new pkijs.ResponseBytes({
        responseType: OID.ocspBasic,
        response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
      }),
    });
    return Buffer.from(response.toSchema().toBER(false));
  }
}

function certStatus(state: OcspCertState): asn1js.BaseBlock {
  switch (state.status) {
    case 'good':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'unknown':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    case 'revoked':
      return new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [
          new asn1js.GeneralizedTime({ valueDate: wholeSeconds(state.revokedAt) }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.Enumerated({ value: CRL_REASON_CODES[state.reason] ?? 0 })],
          }),
        ],
      });
  }
}

/** An unsuccessful OCSPResponse (no responseBytes), e.g. malformedRequest. */
export function ocspErrorResponse(status: number): Buffer {
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: status }),
  });
  return Buffer.from(response.toSchema().toBER(false));
}
