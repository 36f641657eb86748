import type { Db } from '../db/db.js';

/**
 * The certificate authority and trust services as other modules use them (implemented in pki/).
 * Every method that changes state takes the caller's transaction and appends to the audit log in it.
 */
/** 'auth' and 'sign' are a person's device certificates; 'verifier' a verifier device's (F21). */
export type CertificatePurpose = 'auth' | 'sign' | 'verifier';
export type CertificateStatus = 'good' | 'suspended' | 'revoked';
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'privilegeWithdrawn';

export interface CertificateSubject {
  /** ETSI semantics identifier, e.g. PNOAZ-1234567 (subject serialNumber). */
  nationalId: string;
  givenName: string;
  familyName: string;
  /** ISO 3166-1 alpha-2 (subject C). */
  country: string;
}

export interface IssueCertificateRequest {
  /** PKCS#10 DER; its signature proves possession of the key; the key must be EC P-256. */
  csrDer: Uint8Array;
  purpose: CertificatePurpose;
  subject: CertificateSubject;
  personId: string;
  deviceId: string;
  /** For the audit entry, e.g. 'device:<id>'. */
  actor: string;
  /**
   * The key is in a qualified signature creation device (hardware key store): the signing
   * certificate then carries QcSSCD and the QCP-n-qscd policy. Default false (software key store).
   */
  qscd?: boolean;
}

export interface IssueVerifierCertificateRequest {
  /** PKCS#10 DER of the verifier device's EC P-256 key. */
  csrDer: Uint8Array;
  /** What the certificate states (the VerifierRole extension): organisation, role, claim set. */
  role: { organisation: string; role: string; claims: string[] };
  /** The verifier device's name (subject CN). */
  deviceName: string;
  organisationId: string;
  verifierDeviceId: string;
  actor: string;
}

/** Called in the transaction of every certificate status change, after the change. */
export type CertificateStatusListener = (db: Db, certificate: CertificateRecord) => Promise<void>;

export interface CertificateRecord {
  serialHex: string;
  purpose: CertificatePurpose;
  /** The person; for a verifier certificate the verifier organisation. */
  personId: string;
  deviceId: string;
  status: CertificateStatus;
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
}

export interface PkiService {
  /** Throws AppError('invalid_csr') for a bad CSR (parse error, bad signature, wrong curve). */
  issueCertificate(db: Db, request: IssueCertificateRequest): Promise<CertificateRecord>;
  /** A verifier device's certificate (docs/pki.md, "Verifier certificates"). */
  issueVerifierCertificate(
    db: Db,
    request: IssueVerifierCertificateRequest,
  ): Promise<CertificateRecord>;
  /**
   * Run `listener` in the transaction of every suspension, resumption and revocation (the ID card's
   * status list follows the certificates this way). Register at start-up only.
   */
  onStatusChange(listener: CertificateStatusListener): void;
  findCertificate(db: Db, serialHex: string): Promise<CertificateRecord | undefined>;
  listCertificatesOfDevice(db: Db, deviceId: string): Promise<CertificateRecord[]>;
  revoke(
    db: Db,
    serialHex: string,
    reason: RevocationReason,
    actor: string,
  ): Promise<CertificateRecord>;
  /** certificateHold. */
  suspend(db: Db, serialHex: string, actor: string): Promise<CertificateRecord>;
  /** Release from hold; a revoked certificate cannot be resumed (AppError invalid_state). */
  resume(db: Db, serialHex: string, actor: string): Promise<CertificateRecord>;
  /**
   * A signed OCSP response (DER) for one of our certificates, current as of now (the stored
   * pre-signed response, or a freshly signed one; 'unknown' for a serial never issued).
   * It reads (and may write) through the node's own database handle, outside any transaction:
   * on PGlite (one connection) never call it while the same flow holds an open transaction —
   * it would wait for that transaction forever. Call it after the commit.
   */
  ocspResponseFor(serialHex: string): Promise<Uint8Array>;
  /** RFC 3161 TimeStampToken (DER ContentInfo) over a digest. */
  timestamp(
    digest: Uint8Array,
    hashAlgorithm: 'SHA-256' | 'SHA-384' | 'SHA-512',
  ): Promise<Uint8Array>;
  /** The issuing CA and the root, DER. */
  caCertificates(): { issuing: Uint8Array; root: Uint8Array };
}

/** The issuing CA's public trust services as the HTTP adapter (trust/pki-routes.ts) uses them. */
export interface TrustServices extends PkiService {
  /** Answer a DER OCSPRequest (RFC 6960); always a DER OCSPResponse (malformedRequest for garbage). */
  ocspRespond(requestDer: Uint8Array): Promise<Uint8Array>;
  /** Answer a DER TimeStampReq (RFC 3161); always a DER TimeStampResp (rejection for garbage). */
  tsaRespond(requestDer: Uint8Array): Promise<Uint8Array>;
  /** The current CRL (DER), regenerated when a status changed or half its lifetime has passed. */
  currentCrl(): Promise<{ der: Uint8Array; nextUpdate: Date }>;
  /** The delegated OCSP responder and TSA certificates, DER. */
  serviceCertificates(): { ocsp: Uint8Array; tsa: Uint8Array };
  /** Re-sign stored OCSP responses that expire within half their lifetime; returns how many. */
  refreshOcspResponses(): Promise<number>;
  /** Run refreshOcspResponses() (and the CRL refresh) on a timer until stop(). */
  startRefresher(options: { intervalMs: number; onError: (error: unknown) => void }): {
    stop(): Promise<void>;
  };
}
