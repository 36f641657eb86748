import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A throwaway PKI for document-signing tests, built on real crypto (CONVENTIONS §8, fakes not
 * mocks): a root, an issuing CA, a signer with an EC P-256 key that "the phone" holds, a TSA that
 * answers RFC 3161 requests and an OCSP responder for the signer.
 */
const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestPki {
  root: x509.X509Certificate;
  issuing: x509.X509Certificate;
  signer: x509.X509Certificate;
  tsa: x509.X509Certificate;
  /** The phone: ECDSA over a ready SHA-256 digest, DER signature. */
  signDigest(digest: Uint8Array): Uint8Array;
  timestamp(digest: Uint8Array, alg: 'SHA-256' | 'SHA-384' | 'SHA-512'): Promise<Uint8Array>;
  ocspResponseFor(serialHex: string): Promise<Uint8Array>;
  /** A second citizen with a key of their own (two signers on one document). */
  secondSigner: { cert: x509.X509Certificate; signDigest(digest: Uint8Array): Uint8Array };
  revoked: Set<string>;
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

export async function createTestPki(name = 'OpenMID Test'): Promise<TestPki> {
  const rootKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuingKeys = (await crypto.subtle.generateKey(EC, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const tsaKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name} Root CA, O=OpenMID, C=AZ`,
    notBefore: days(-1),
    notAfter: days(3650),
    keys: rootKeys,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${name} Issuing CA, O=OpenMID, C=AZ`,
    issuer: root.subject,
    notBefore: days(-1),
    notAfter: days(3000),
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const tsa = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: `CN=${name} TSA, O=OpenMID, C=AZ`,
    issuer: root.subject,
    notBefore: days(-1),
    notAfter: days(3000),
    publicKey: tsaKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  const makeSigner = async (serial: string, dn: string) => {
    const secret = p256.utils.randomSecretKey();
    const publicKey = await crypto.subtle.importKey(
      'raw',
      p256.getPublicKey(secret, false),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    );
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: dn,
      issuer: issuing.subject,
      notBefore: days(-1),
      notAfter: days(365),
      publicKey,
      signingKey: issuingKeys.privateKey,
      signingAlgorithm: EC,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true),
        await x509.AuthorityKeyIdentifierExtension.create(issuingKeys.publicKey),
      ],
    });
    return { secret, cert };
  };
  const signer = await makeSigner(
    '7a01',
    '2.5.4.5=PNOAZ-1234567, CN=Aysel Mammadova, G=Aysel, SN=Mammadova, C=AZ',
  );
  const other = await makeSigner(
    '7a02',
    '2.5.4.5=PNOAZ-7654321, CN=Rashad Aliyev, G=Rashad, SN=Aliyev, C=AZ',
  );

  const pkiIssuing = new pkijs.Certificate({ schema: asn1js.fromBER(issuing.rawData).result });
  const pkiTsa = new pkijs.Certificate({ schema: asn1js.fromBER(tsa.rawData).result });
  const revoked = new Set<string>();
  let tsaSerial = 1000;

  return {
    root,
    issuing,
    tsa,
    signer: signer.cert,
    secondSigner: {
      cert: other.cert,
      signDigest: (digest) => p256.sign(digest, other.secret, { prehash: false, format: 'der' }),
    },
    revoked,
    signDigest: (digest) => p256.sign(digest, signer.secret, { prehash: false, format: 'der' }),
    async timestamp(digest, alg) {
      const hashOid = {
        'SHA-256': '2.16.840.1.101.3.4.2.1',
        'SHA-384': '2.16.840.1.101.3.4.2.2',
        'SHA-512': '2.16.840.1.101.3.4.2.3',
      }[alg];
      const tstInfo = new pkijs.TSTInfo({
        version: 1,
        policy: '1.3.6.1.4.1.99999.1.1',
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hashOid }),
          hashedMessage: new asn1js.OctetString({ valueHex: digest }),
        }),
        serialNumber: new asn1js.Integer({ value: tsaSerial++ }),
        genTime: new Date(),
      });
      const tstDer = tstInfo.toSchema().toBER(false);
      const signed = new pkijs.SignedData({
        version: 3,
        encapContentInfo: new pkijs.EncapsulatedContentInfo({
          eContentType: '1.2.840.113549.1.9.16.1.4',
          eContent: new asn1js.OctetString({ valueHex: tstDer }),
        }),
        signerInfos: [
          new pkijs.SignerInfo({
            version: 1,
            sid: new pkijs.IssuerAndSerialNumber({
              issuer: pkiTsa.issuer,
              serialNumber: pkiTsa.serialNumber,
            }),
          }),
        ],
        certificates: [pkiTsa],
      });
      const essCertIdV2 = new asn1js.Sequence({
        value: [
          new asn1js.OctetString({
            valueHex: await crypto.subtle.digest('SHA-256', tsa.rawData),
          }),
        ],
      });
      (signed.signerInfos[0] as pkijs.SignerInfo).signedAttrs =
        new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.3',
              values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.9.16.1.4' })],
            }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.4',
              values: [
                new asn1js.OctetString({ valueHex: await crypto.subtle.digest('SHA-256', tstDer) }),
              ],
            }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.16.2.47',
              values: [
                new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] }),
              ],
            }),
          ],
        });
      await signed.sign(tsaKeys.privateKey, 0, 'SHA-256');
      const info = new pkijs.ContentInfo({
        contentType: '1.2.840.113549.1.7.2',
        content: signed.toSchema(true),
      });
      return new Uint8Array(info.toSchema().toBER(false));
    },
    async ocspResponseFor(serialHex) {
      const cert = [signer.cert, other.cert].find((c) => c.serialNumber === serialHex);
      if (!cert) throw new Error(`unknown serial ${serialHex}`);
      const now = new Date();
      const certId = new pkijs.CertID();
      await certId.createForCertificate(
        new pkijs.Certificate({ schema: asn1js.fromBER(cert.rawData).result }),
        { hashAlgorithm: 'SHA-1', issuerCertificate: pkiIssuing },
      );
      const basic = new pkijs.BasicOCSPResponse({
        tbsResponseData: new pkijs.ResponseData({
          responderID: pkiIssuing.subject,
          producedAt: now,
          responses: [
            new pkijs.SingleResponse({
              certID: certId,
              certStatus: revoked.has(serialHex)
                ? new asn1js.Constructed({
                    idBlock: { tagClass: 3, tagNumber: 1 },
                    value: [
                      new asn1js.GeneralizedTime({ valueDate: new Date(now.getTime() - 60_000) }),
                    ],
                  })
                : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
              thisUpdate: now,
              nextUpdate: new Date(now.getTime() + 3_600_000),
            }),
          ],
        }),
      });
      await basic.sign(issuingKeys.privateKey, 'SHA-256');
      const response = new pkijs.OCSPResponse({
        responseStatus: new asn1js.Enumerated({ value: 0 }),
        responseBytes: new pkijs.ResponseBytes({
          responseType: '1.3.6.1.5.5.7.48.1.1',
          response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
        }),
      });
      return new Uint8Array(response.toSchema().toBER(false));
    },
  };
}
