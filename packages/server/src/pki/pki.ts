import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { isNationalId } from '@openmid/protocol';
import * as x509 from '@peculiar/x509';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { AppError, invalidState } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import { createBatchLoader } from './batch-loader.js';
import { loadOrCreateCa } from './ca.js';
import { signCrl } from './crl.js';
import { verifyCsr } from './csr.js';
import {
  type OcspCertState,
  OcspResponder,
  OcspStatus,
  ocspErrorResponse,
  SHA1_OID,
} from './ocsp.js';
import type {
  CertificateRecord,
  CertificateStatus,
  CertificateStatusListener,
  IssueCertificateRequest,
  RevocationReason,
  TrustServices,
} from './pki-service.js';
import {
  type CertificateRow,
  findCertificateRow,
  findLatestCrl,
  findOcspResponses,
  insertCertificate,
  insertCrl,
  listCertificateRowsOfDevice,
  listCertificatesNeedingOcsp,
  listRevokedCertificates,
  readStatusRevision,
  updateCertificateStatus,
  upsertOcspResponse,
} from './pki-store.js';
import {
  endEntityExtensions,
  personName,
  trustUrls,
  verifierExtensions,
  verifierName,
} from './profile.js';
import { createResponseCache } from './response-cache.js';
import { normaliseSerialHex, randomSerialHex } from './serial.js';
import { TimeStampAuthority, TSA_HASHES } from './tsa.js';

const DAY = 86_400_000;
const REVOCATION_REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
];

function toRecord(row: CertificateRow): CertificateRecord {
  return {
    serialHex: row.serialHex,
    purpose: row.purpose as CertificateRecord['purpose'],
    personId: row.personId,
    deviceId: row.deviceId,
    status: row.status as CertificateStatus,
    der: new Uint8Array(row.der),
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    revokedAt: row.status === 'revoked' ? row.revokedAt : null,
    revocationReason:
      row.status === 'revoked' ? (row.revocationReason as RevocationReason | null) : null,
  };
}

function ocspState(row: CertificateRow | undefined): OcspCertState {
  if (!row) return { status: 'unknown' };
  if (row.status === 'good') return { status: 'good' };
  return {
    status: 'revoked',
    revokedAt: row.revokedAt ?? row.notBefore,
    reason:
      row.status === 'suspended' ? 'certificateHold' : (row.revocationReason ?? 'unspecified'),
  };
}

function checkSubject(request: IssueCertificateRequest): void {
  const { subject } = request;
  if (!isNationalId(subject.nationalId)) {
    throw new AppError('invalid_national_id', 'the subject national id is not in ETSI form');
  }
  if (!/^[A-Z]{2}$/.test(subject.country)) {
    throw new AppError('invalid_request', 'the subject country must be ISO 3166-1 alpha-2');
  }
  for (const [name, value] of [
    ['givenName', subject.givenName],
    ['familyName', subject.familyName],
  ] as const) {
    if (value.trim() === '' || value.length > 64) {
      throw new AppError('invalid_request', `the subject ${name} must be 1..64 characters`);
    }
  }
  if (request.purpose !== 'auth' && request.purpose !== 'sign') {
    throw new AppError('invalid_request', 'purpose must be auth or sign');
  }
}

export async function createPkiService(deps: {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  vault: KeyVault;
  clock: Clock;
  config: Config;
  audit: AuditService;
}): Promise<TrustServices> {
  const { db, clock, config, audit } = deps;
  const ca = await loadOrCreateCa({ db, vault: deps.vault, clock, caCurve: config.pki.caCurve });
  const urls = trustUrls(config.publicUrl);
  const responder = new OcspResponder(ca.issuing.der, ca.ocsp);
  const tsa = new TimeStampAuthority(ca.tsa, ca.issuing.der);
  const ocspLifetimeMs = config.pki.ocspValiditySeconds * 1000;
  const crlLifetimeMs = config.pki.crlValiditySeconds * 1000;

  const cache = createResponseCache(deps.dbKind);
  const statusListeners: CertificateStatusListener[] = [];
  /** Memo of parsed pre-signable requests (DER bytes → serial); a pure function of the bytes. */
  const presignedRequests = new Map<string, string>();

  /** Sign the pre-signed (SHA-1 CertID, no nonce) response of a certificate and store it. */
  async function presign(trx: Db, row: CertificateRow): Promise<Buffer> {
    const now = clock.now();
    const nextUpdate = new Date(now.getTime() + ocspLifetimeMs);
    const der = await responder.sign(
      [{ certId: responder.certIdFor(row.serialHex), state: ocspState(row) }],
      { producedAt: now, thisUpdate: now, nextUpdate },
    );
    await upsertOcspResponse(trx, {
      serialHex: row.serialHex,
      der,
      revision: row.revision,
      thisUpdate: now,
      nextUpdate,
    });
    // Outside a transaction the write is committed: the node's cache may take it.
    if (trx === db) cache.offer(row.serialHex, { der, revision: row.revision, nextUpdate });
    return der;
  }

  async function changeStatus(
    trx: Db,
    serialInput: string,
    actor: string,
    change: (row: CertificateRow) => {
      status: CertificateStatus;
      revokedAt: Date | null;
      revocationReason: string | null;
      event: string;
      data: Record<string, unknown>;
    },
  ): Promise<CertificateRecord> {
    const serialHex = normaliseSerialHex(serialInput);
    const current = serialHex && (await findCertificateRow(trx, serialHex, { forUpdate: true }));
    if (!current) throw new AppError('certificate_not_found', 'no certificate with that serial');
    const next = change(current);
    const row = await updateCertificateStatus(trx, current.serialHex, next);
    await audit.append(trx, {
      type: next.event,
      actor,
      personId: row.purpose === 'verifier' ? undefined : row.personId,
      data: { serial: row.serialHex, purpose: row.purpose, ...next.data },
    });
    for (const listener of statusListeners) await listener(trx, toRecord(row));
    // The new status is served from the next request on (SPEC §5): re-sign in the same transaction,
    // and bypass the node's cache for this serial until the database shows the new revision.
    cache.expect(row.serialHex, row.revision);
    await presign(trx, row);
    return toRecord(row);
  }

  const storedResponse = createBatchLoader((serials: string[]) =>
    findOcspResponses(db, serials, clock.now()),
  );

  async function ocspResponseFor(serialInput: string): Promise<Buffer> {
    const serialHex = normaliseSerialHex(serialInput);
    const now = clock.now();
    if (serialHex) {
      const cached = cache.get(serialHex, now);
      if (cached) return cached;
      const stored = await storedResponse(serialHex);
      if (stored) {
        cache.offer(serialHex, stored);
        return stored.der;
      }
      const row = await findCertificateRow(db, serialHex);
      if (row) return presign(db, row);
    }
    return responder.sign(
      [{ certId: responder.certIdFor(serialHex ?? '00'), state: { status: 'unknown' } }],
      { producedAt: now, thisUpdate: now, nextUpdate: now },
    );
  }

  async function refreshOcspResponses(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = clock.now();
      const rows = await listCertificatesNeedingOcsp(
        db,
        now,
        new Date(now.getTime() + ocspLifetimeMs / 2),
        200,
      );
      for (const row of rows) await presign(db, row);
      total += rows.length;
      if (rows.length < 200) return total;
    }
  }

  async function currentCrl(): Promise<{ der: Uint8Array; nextUpdate: Date }> {
    const fresh = (crl: { statusRevision: number; nextUpdate: Date } | undefined, rev: number) =>
      crl !== undefined &&
      crl.statusRevision === rev &&
      crl.nextUpdate.getTime() - clock.now().getTime() > crlLifetimeMs / 2;
    const latest = await findLatestCrl(db);
    if (latest && fresh(latest, await readStatusRevision(db))) return latest;
    return db.transaction().execute(async (trx) => {
      // Status changes wait for this lock to bump the revision, so the list below is complete
      // for the revision recorded with the CRL.
      const revision = await readStatusRevision(trx, true);
      const again = await findLatestCrl(trx);
      if (again && fresh(again, revision)) return again;
      const thisUpdate = clock.now();
      const nextUpdate = new Date(thisUpdate.getTime() + crlLifetimeMs);
      const crlNumber = (again?.crlNumber ?? 0) + 1;
      const der = await signCrl(ca.issuing, await listRevokedCertificates(trx, thisUpdate), {
        crlNumber,
        thisUpdate,
        nextUpdate,
      });
      await insertCrl(trx, { crlNumber, der, statusRevision: revision, thisUpdate, nextUpdate });
      return { der, nextUpdate };
    });
  }

  /** Sign, store, log and pre-sign the OCSP response of one end-entity certificate. */
  async function issue(
    trx: Db,
    request: {
      publicKey: x509.PublicKey;
      subject: x509.Name;
      extensions: x509.Extension[];
      purpose: CertificateRecord['purpose'];
      personId: string;
      deviceId: string;
      actor: string;
      auditPersonId: string | undefined;
    },
  ): Promise<CertificateRecord> {
    const now = clock.now();
    const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
    let notAfter = new Date(notBefore.getTime() + config.pki.endEntityValidityDays * DAY);
    if (notAfter > ca.issuing.cert.notAfter) notAfter = ca.issuing.cert.notAfter;
    const extensions = [
      ...request.extensions,
      await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.issuing.cert.publicKey),
    ];
    for (let attempt = 0; ; attempt++) {
      const serialHex = randomSerialHex();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialHex,
        subject: request.subject,
        issuer: ca.issuing.cert.subjectName,
        notBefore,
        notAfter,
        publicKey: request.publicKey,
        signingKey: ca.issuing.key,
        signingAlgorithm: { name: 'ECDSA', hash: ca.issuing.hash },
        extensions,
      });
      const row: CertificateRow = {
        serialHex,
        purpose: request.purpose,
        personId: request.personId,
        deviceId: request.deviceId,
        status: 'good',
        der: Buffer.from(cert.rawData),
        notBefore,
        notAfter,
        revokedAt: null,
        revocationReason: null,
        revision: 0,
      };
      if (!(await insertCertificate(trx, row))) {
        // A 2^-127 collision, or a bug: never issue one serial twice.
        if (attempt >= 3) throw new Error('could not draw an unused serial number');
        continue;
      }
      await audit.append(trx, {
        type: 'certificate.issued',
        actor: request.actor,
        personId: request.auditPersonId,
        data: {
          serial: serialHex,
          purpose: request.purpose,
          sha256: createHash('sha256').update(row.der).digest('hex'),
          notAfter: notAfter.toISOString(),
        },
      });
      await presign(trx, row);
      return toRecord(row);
    }
  }

  return {
    async issueCertificate(trx, request) {
      checkSubject(request);
      const publicKey = await verifyCsr(request.csrDer);
      return issue(trx, {
        publicKey,
        subject: personName(request.subject),
        extensions: endEntityExtensions(request.purpose, urls, { qscd: request.qscd === true }),
        purpose: request.purpose,
        personId: request.personId,
        deviceId: request.deviceId,
        actor: request.actor,
        auditPersonId: request.personId,
      });
    },

    async issueVerifierCertificate(trx, request) {
      const publicKey = await verifyCsr(request.csrDer);
      const name = request.deviceName.trim();
      if (name === '' || name.length > 64) {
        throw new AppError('invalid_request', 'the verifier device name must be 1..64 characters');
      }
      return issue(trx, {
        publicKey,
        subject: verifierName(request.role.organisation, request.role.role, name),
        extensions: verifierExtensions(urls, request.role),
        purpose: 'verifier',
        personId: request.organisationId,
        deviceId: request.verifierDeviceId,
        actor: request.actor,
        auditPersonId: undefined,
      });
    },

    onStatusChange(listener) {
      statusListeners.push(listener);
    },

    async findCertificate(trx, serialInput) {
      const serialHex = normaliseSerialHex(serialInput);
      const row = serialHex ? await findCertificateRow(trx, serialHex) : undefined;
      return row && toRecord(row);
    },

    async listCertificatesOfDevice(trx, deviceId) {
      return (await listCertificateRowsOfDevice(trx, deviceId)).map(toRecord);
    },

    revoke(trx, serialHex, reason, actor) {
      if (!REVOCATION_REASONS.includes(reason)) {
        throw new AppError('invalid_request', `unknown revocation reason ${String(reason)}`);
      }
      return changeStatus(trx, serialHex, actor, (row) => {
        if (row.status === 'revoked') throw invalidState('the certificate is already revoked');
        return {
          status: 'revoked',
          revokedAt: clock.now(),
          revocationReason: reason,
          event: 'certificate.revoked',
          data: { reason },
        };
      });
    },

    suspend(trx, serialHex, actor) {
      return changeStatus(trx, serialHex, actor, (row) => {
        if (row.status !== 'good') throw invalidState(`the certificate is ${row.status}`);
        return {
          status: 'suspended',
          revokedAt: clock.now(),
          revocationReason: null,
          event: 'certificate.suspended',
          data: {},
        };
      });
    },

    resume(trx, serialHex, actor) {
      return changeStatus(trx, serialHex, actor, (row) => {
        if (row.status !== 'suspended') {
          throw invalidState(`only a suspended certificate can be resumed; it is ${row.status}`);
        }
        return {
          status: 'good',
          revokedAt: null,
          revocationReason: null,
          event: 'certificate.resumed',
          data: {},
        };
      });
    },

    ocspResponseFor,

    async ocspRespond(requestDer) {
      // The common case (OpenSSL, browsers, our RP API): one SHA-1 CertID, no nonce — the same
      // bytes every time for one certificate, so the parse is memoised; the answer is the
      // pre-signed response, with no signature on the request path.
      const key = Buffer.from(requestDer).toString('latin1');
      const known = presignedRequests.get(key);
      if (known !== undefined) return ocspResponseFor(known);
      const parsed = responder.parseRequest(requestDer);
      if (!parsed) return ocspErrorResponse(OcspStatus.malformedRequest);
      const [only] = parsed.requests;
      if (
        only &&
        parsed.requests.length === 1 &&
        !parsed.nonce &&
        only.ourIssuer &&
        only.hashAlgorithm === SHA1_OID
      ) {
        if (presignedRequests.size >= 10_000) presignedRequests.clear();
        presignedRequests.set(key, only.serialHex);
        return ocspResponseFor(only.serialHex);
      }
      // RFC 6960 §2.3: a responder that is not authoritative for any of the certificates asked
      // about answers unauthorized (this responder serves the issuing CA only).
      if (!parsed.requests.some((r) => r.ourIssuer)) {
        return ocspErrorResponse(OcspStatus.unauthorized);
      }
      const now = clock.now();
      const entries = [];
      for (const r of parsed.requests) {
        const row = r.ourIssuer ? await findCertificateRow(db, r.serialHex) : undefined;
        entries.push({ certId: r.certId(), state: ocspState(row) });
      }
      return responder.sign(
        entries,
        { producedAt: now, thisUpdate: now, nextUpdate: new Date(now.getTime() + ocspLifetimeMs) },
        parsed.nonce,
      );
    },

    tsaRespond(requestDer) {
      return tsa.respond(requestDer, clock.now());
    },

    async timestamp(digest, hashAlgorithm) {
      const expected = TSA_HASHES[hashAlgorithm]?.length;
      if (expected === undefined || digest.byteLength !== expected) {
        throw new AppError(
          'invalid_request',
          `a ${hashAlgorithm} digest must be ${expected} bytes`,
        );
      }
      return tsa.token({
        digest,
        hash: hashAlgorithm,
        time: clock.now(),
        includeCertificates: true,
      });
    },

    currentCrl,

    caCertificates() {
      return { issuing: new Uint8Array(ca.issuing.der), root: new Uint8Array(ca.root.der) };
    },

    serviceCertificates() {
      return { ocsp: new Uint8Array(ca.ocsp.der), tsa: new Uint8Array(ca.tsa.der) };
    },

    refreshOcspResponses,

    startRefresher({ intervalMs, onError }) {
      if (intervalMs <= 0) return { stop: async () => {} };
      let stopped = false;
      let running: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout;
      const tick = () => {
        running = (async () => {
          await refreshOcspResponses();
          await currentCrl();
        })().catch(onError);
        void running.then(() => {
          if (stopped) return;
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        });
      };
      timer = setTimeout(tick, intervalMs);
      timer.unref();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },
  };
}
