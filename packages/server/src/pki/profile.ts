import 'reflect-metadata';
import {
  encodeVerifierRoleAttributes,
  SUBJECT_DIRECTORY_ATTRIBUTES_OID,
  VERIFIER_CERTIFICATE_POLICY_OID,
} from '@openmid/protocol/id-card';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { OID } from './oids.js';
import type { CertificatePurpose, CertificateSubject } from './pki-service.js';

/**
 * The certificate profiles: the CA hierarchy, the delegated OCSP responder and the TSA
 * (RFC 5280, RFC 6960 §4.2.2.2, RFC 3161 §2.3), and end-entity certificates for natural persons
 * after ETSI EN 319 412-2 (docs/pki.md, "Profile"). Structures not modelled by @peculiar/x509
 * (QC statements, ocsp-nocheck) are encoded with asn1js.
 */

export interface TrustUrls {
  ocsp: string;
  caIssuers: string;
  crl: string;
}

export function trustUrls(publicUrl: string): TrustUrls {
  return {
    ocsp: `${publicUrl}/ocsp`,
    caIssuers: `${publicUrl}/pki/ca.cer`,
    crl: `${publicUrl}/pki/crl`,
  };
}

const der = (value: asn1js.BaseBlock): ArrayBuffer => value.toBER(false);
const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const statement = (id: string, info?: asn1js.BaseBlock) =>
  new asn1js.Sequence({ value: info ? [oid(id), info] : [oid(id)] });

/** QCStatements (RFC 3739 §3.2.6) with the ETSI EN 319 412-5 statements of a signing cert. */
export function qcStatementsExtension(options: { qualified: boolean; qscd: boolean }) {
  const statements: asn1js.BaseBlock[] = [
    // ETSI EN 319 412-1 §5.1.3: the subject serialNumber is a natural-person semantics identifier.
    statement(OID.qcsPkixQcSyntaxV2, new asn1js.Sequence({ value: [oid(OID.semanticsIdNatural)] })),
  ];
  if (options.qualified) {
    statements.push(statement(OID.qcsQcCompliance));
    if (options.qscd) statements.push(statement(OID.qcsQcSSCD));
    statements.push(statement(OID.qcsQcType, new asn1js.Sequence({ value: [oid(OID.qctEsign)] })));
  }
  return new x509.Extension(
    OID.qcStatements,
    false,
    der(new asn1js.Sequence({ value: statements })),
  );
}

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a NULL value. */
export function ocspNoCheckExtension() {
  return new x509.Extension(OID.ocspNoCheck, false, der(new asn1js.Null()));
}

/** The subject of a natural person's certificate (ETSI EN 319 412-2 §4.2.4). */
export function personName(subject: CertificateSubject): x509.Name {
  return new x509.Name([
    { '2.5.4.6': [{ printableString: subject.country }] },
    { '2.5.4.4': [{ utf8String: subject.familyName }] },
    { '2.5.4.42': [{ utf8String: subject.givenName }] },
    { '2.5.4.5': [{ printableString: subject.nationalId }] },
    { '2.5.4.3': [{ utf8String: `${subject.givenName} ${subject.familyName}` }] },
  ]);
}

export function caName(commonName: string): x509.Name {
  return new x509.Name([
    { '2.5.4.6': [{ printableString: 'AZ' }] },
    { '2.5.4.10': [{ utf8String: 'OpenMID' }] },
    { '2.5.4.3': [{ utf8String: commonName }] },
  ]);
}

const KU = x509.KeyUsageFlags;

/** Extensions of an end-entity certificate (without the key identifiers). */
export function endEntityExtensions(
  purpose: CertificatePurpose,
  urls: TrustUrls,
  options: { qscd: boolean },
): x509.Extension[] {
  const common = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caIssuers] }),
    new x509.CRLDistributionPointsExtension([urls.crl]),
  ];
  if (purpose === 'auth') {
    return [
      ...common,
      new x509.KeyUsagesExtension(KU.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([OID.kpClientAuth], false),
      new x509.CertificatePolicyExtension([OID.openmidAuthPolicy, OID.ncpPlus], false),
      qcStatementsExtension({ qualified: false, qscd: false }),
    ];
  }
  return [
    ...common,
    new x509.KeyUsagesExtension(KU.nonRepudiation, true),
    new x509.CertificatePolicyExtension(
      [OID.openmidSignPolicy, options.qscd ? OID.qcpNaturalQscd : OID.qcpNatural],
      false,
    ),
    qcStatementsExtension({ qualified: true, qscd: options.qscd }),
  ];
}

/** The subject of a verifier device's certificate: O = organisation, OU = role, CN = device. */
export function verifierName(organisation: string, role: string, deviceName: string): x509.Name {
  return new x509.Name([
    { '2.5.4.10': [{ utf8String: organisation }] },
    { '2.5.4.11': [{ utf8String: role }] },
    { '2.5.4.3': [{ utf8String: deviceName }] },
  ]);
}

/**
 * Extensions of a verifier certificate (F21): digitalSignature only (it signs verifier
 * requests), the OpenMID verifier policy, and the VerifierRole attribute (subjectDirectoryAttributes) stating organisation,
 * role and the claims the role may ask for (@openmid/protocol/id-card, docs/pki.md).
 */
export function verifierExtensions(
  urls: TrustUrls,
  role: { organisation: string; role: string; claims: string[] },
): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caIssuers] }),
    new x509.CRLDistributionPointsExtension([urls.crl]),
    new x509.KeyUsagesExtension(KU.digitalSignature, true),
    new x509.CertificatePolicyExtension([VERIFIER_CERTIFICATE_POLICY_OID], false),
    new x509.Extension(
      SUBJECT_DIRECTORY_ATTRIBUTES_OID,
      false,
      encodeVerifierRoleAttributes(role as Parameters<typeof encodeVerifierRoleAttributes>[0]),
    ),
  ];
}

export type CaRole = 'root' | 'issuing' | 'ocsp' | 'tsa';

/** Extensions of the platform's own certificates (without the key identifiers). */
export function caRoleExtensions(role: CaRole): x509.Extension[] {
  switch (role) {
    case 'root':
      return [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(KU.keyCertSign | KU.cRLSign, true),
      ];
    case 'issuing':
      return [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(KU.keyCertSign | KU.cRLSign, true),
      ];
    case 'ocsp':
      return [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(KU.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([OID.kpOcspSigning], false),
        ocspNoCheckExtension(),
      ];
    case 'tsa':
      return [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(KU.digitalSignature, true),
        // RFC 3161 §2.3: exactly one critical extended key usage, id-kp-timeStamping.
        new x509.ExtendedKeyUsageExtension([OID.kpTimeStamping], true),
      ];
  }
}

export const CA_ROLE_NAMES: Record<CaRole, string> = {
  root: 'OpenMID Root CA',
  issuing: 'OpenMID Issuing CA',
  ocsp: 'OpenMID OCSP Responder',
  tsa: 'OpenMID Time-Stamping Authority',
};
