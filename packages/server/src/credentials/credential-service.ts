import { randomUUID } from 'node:crypto';
import {
  CREDENTIAL_STATUS,
  es256Signer,
  ID_CARD_VCT,
  type IdCardClaim,
  type IssuerMetadata,
  isIdCardClaim,
  saltGenerator,
  sha256Hasher,
} from '@openmid/protocol/id-card';
import { createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { SignJWT } from 'jose';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import type { CertificateRecord, PkiService } from '../pki/pki-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import {
  bumpStatusRevision,
  type CredentialRow,
  findCurrentCredentialOfDevice,
  insertCredential,
  listNonZeroStatuses,
  lockDeviceCredentials,
  maxStatusIndex,
  nextStatusIndex,
  readStatusRevision,
  setDeviceCredentialStatus,
  supersedeCredential,
} from './credential-store.js';
import { birthday, claimsDigest, idCardClaimsOf } from './id-card-claims.js';
import { createIssuerKeys } from './issuer-keys.js';

/** Statuses per status list token; 2 bits each, so 16 KiB before compression. */
export const STATUS_LIST_SIZE = 65_536;
/** The `ttl` of a status list token: how soon an online verifier fetches a fresh one. */
const STATUS_LIST_TTL_SECONDS = 300;
const DAY = 86_400_000;

export interface IssuedCredential {
  id: string;
  /** The SD-JWT VC (compact, with every disclosure). */
  credential: string;
  issuedAt: Date;
  expiresAt: Date;
  statusList: { idx: number; uri: string };
}

export interface PresentationRecord {
  organisation: string;
  role: string;
  /** ID card claim names (anything else is invalid_request). */
  claims: string[];
  /** The verifier's client id (x509_hash:…) and certificate serial, when the wallet reports them. */
  verifier?: string | undefined;
  certificateSerial?: string | undefined;
}

export interface CredentialService {
  /**
   * The device's current ID card (F20), issued on first call (activation) and re-issued when the
   * person's data or the device key changed, the issuer key rotated, or a third of its validity
   * is left; the replaced one is marked invalid in the status list.
   */
  currentForDevice(db: Db, deviceId: string): Promise<IssuedCredential>;
  issuerMetadata(): Promise<IssuerMetadata>;
  /** Signed status list token number `list` (draft-ietf-oauth-status-list); not_found beyond the last. */
  statusListToken(list: number): Promise<{ token: string; ttl: number }>;
  /** URIs of every status list in use. */
  statusListUris(): Promise<string[]>;
  /** A presentation the wallet made (F22): logged for the person, claim names only. */
  recordPresentation(
    db: Db,
    device: { deviceId: string; personId: string; actor: string },
    record: PresentationRecord,
  ): Promise<void>;
  /** New issuer key generation (operator); old ones stay published. */
  rotateIssuerKey(db: Db, actor: string): Promise<string>;
}

export function statusListUri(publicUrl: string, list: number): string {
  return `${publicUrl}/credentials/v1/status-lists/${list}`;
}

export function createCredentialService(deps: {
  publicUrl: string;
  validityDays: number;
  statusListValiditySeconds: number;
  vault: KeyVault;
  clock: Clock;
  db: Db;
  audit: AuditService;
  pki: PkiService;
  registry: RegistryService;
}): CredentialService {
  const keys = createIssuerKeys({ db: deps.db, vault: deps.vault });
  const validityMs = deps.validityDays * DAY;
  const sealLabel = (id: string) => `credentials/credential/${id}`;
  const cache = new Map<number, { revision: number; issuedAt: number; token: string }>();

  const toIssued = (row: CredentialRow): IssuedCredential => ({
    id: row.id,
    credential: deps.vault.open(row.sealed, sealLabel(row.id)).toString('utf8'),
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
    statusList: {
      idx: row.statusIndex % STATUS_LIST_SIZE,
      uri: statusListUri(deps.publicUrl, Math.floor(row.statusIndex / STATUS_LIST_SIZE)),
    },
  });

  /** The status the device's current certificates give its ID card. */
  async function statusFromCertificates(trx: Db, deviceId: string): Promise<number> {
    const device = await deps.registry.getDevice(trx, deviceId);
    if (!device) return CREDENTIAL_STATUS.invalid;
    const current = [device.authCertSerial, device.signCertSerial];
    const certificates = (await deps.pki.listCertificatesOfDevice(trx, deviceId)).filter((c) =>
      current.includes(c.serialHex),
    );
    // Device suspension, resumption and revocation change the certificates first (activation.ts),
    // so the certificates alone decide; the device row may not have changed yet.
    if (certificates.some((c) => c.status === 'revoked')) return CREDENTIAL_STATUS.invalid;
    if (certificates.some((c) => c.status === 'suspended')) {
      return CREDENTIAL_STATUS.suspended;
    }
    return CREDENTIAL_STATUS.valid;
  }

  // Revocation and suspension follow the device's certificates (F5, F20), in their transaction.
  deps.pki.onStatusChange(async (trx: Db, certificate: CertificateRecord) => {
    if (certificate.purpose === 'verifier') return;
    const status = await statusFromCertificates(trx, certificate.deviceId);
    const changed = await setDeviceCredentialStatus(trx, certificate.deviceId, status);
    if (changed.length === 0) return;
    await bumpStatusRevision(trx);
    await deps.audit.append(trx, {
      type:
        status === CREDENTIAL_STATUS.valid
          ? 'credential.resumed'
          : status === CREDENTIAL_STATUS.suspended
            ? 'credential.suspended'
            : 'credential.revoked',
      actor: 'system',
      personId: certificate.personId,
      data: { credentials: changed, certificate: certificate.serialHex },
    });
  });

  return {
    async currentForDevice(db, deviceId) {
      // Read the signing key before the transaction: PGlite has a single connection.
      const key = await keys.current();
      const now = deps.clock.now();
      return db.transaction().execute(async (trx) => {
        await lockDeviceCredentials(trx, deviceId);
        const device = await deps.registry.getDevice(trx, deviceId);
        if (device?.status !== 'active') {
          throw new AppError('forbidden', 'the device is not active');
        }
        const person = await deps.registry.getPerson(trx, device.personId);
        if (person?.status !== 'active') {
          throw new AppError('invalid_state', 'the person is not active');
        }
        const claims = idCardClaimsOf(person, now);
        const digest = claimsDigest(claims, device.publicJwk);
        const existing = await findCurrentCredentialOfDevice(trx, deviceId, { forUpdate: true });
        if (
          existing &&
          existing.claimsDigest === digest &&
          existing.kid === key.kid &&
          existing.status === CREDENTIAL_STATUS.valid &&
          existing.expiresAt.getTime() - now.getTime() > validityMs / 3
        ) {
          return toIssued(existing);
        }
        const statusIndex = await nextStatusIndex(trx);
        const list = Math.floor(statusIndex / STATUS_LIST_SIZE);
        const iat = Math.floor(now.getTime() / 1000);
        // The age attestations change on a birthday: the card expires then to be re-issued.
        let expiresAt = new Date(iat * 1000 + validityMs);
        for (const years of [18, 21]) {
          const day = birthday(person.birthDate, years);
          if (day > now && day < expiresAt) expiresAt = day;
        }
        const sdjwt = new SDJwtVcInstance({
          signer: es256Signer(key.privateKey as unknown as Parameters<typeof es256Signer>[0]),
          signAlg: 'ES256',
          hasher: sha256Hasher,
          hashAlg: 'sha-256',
          saltGenerator,
        });
        const claimNames = Object.keys(claims) as IdCardClaim[];
        const credential = await sdjwt.issue(
          {
            iss: deps.publicUrl,
            vct: ID_CARD_VCT,
            iat,
            exp: Math.floor(expiresAt.getTime() / 1000),
            cnf: { jwk: device.publicJwk },
            status: {
              status_list: {
                idx: statusIndex % STATUS_LIST_SIZE,
                uri: statusListUri(deps.publicUrl, list),
              },
            },
            ...claims,
          },
          { _sd: claimNames },
          { header: { kid: key.kid } },
        );
        const row: CredentialRow = {
          id: randomUUID(),
          personId: person.id,
          deviceId,
          statusIndex,
          status: await statusFromCertificates(trx, deviceId),
          claimsDigest: digest,
          kid: key.kid,
          sealed: '',
          issuedAt: new Date(iat * 1000),
          expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
          supersededAt: null,
        };
        row.sealed = deps.vault.seal(Buffer.from(credential, 'utf8'), sealLabel(row.id));
        await insertCredential(trx, row);
        if (existing) {
          await supersedeCredential(trx, existing.id, now);
          await bumpStatusRevision(trx);
        }
        await deps.audit.append(trx, {
          type: 'credential.issued',
          actor: `device:${deviceId}`,
          personId: person.id,
          data: {
            credentialId: row.id,
            statusIndex,
            claims: claimNames,
            expiresAt: row.expiresAt.toISOString(),
            kid: key.kid,
            ...(existing ? { replaced: existing.id } : {}),
          },
        });
        return toIssued(row);
      });
    },

    async issuerMetadata() {
      return { issuer: deps.publicUrl, jwks: { keys: await keys.published() } };
    },

    async statusListToken(list) {
      const last = Math.max(0, Math.floor((await maxStatusIndex(deps.db)) / STATUS_LIST_SIZE));
      if (!Number.isInteger(list) || list < 0 || list > last) {
        throw new AppError('not_found', 'no such status list');
      }
      const revision = await readStatusRevision(deps.db);
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      const cached = cache.get(list);
      const validity = deps.statusListValiditySeconds;
      const ttl = Math.min(STATUS_LIST_TTL_SECONDS, validity);
      if (cached && cached.revision === revision && now - cached.issuedAt < ttl) {
        return { token: cached.token, ttl };
      }
      const key = await keys.current();
      const statuses = new StatusList(new Array<number>(STATUS_LIST_SIZE).fill(0), 2);
      const from = list * STATUS_LIST_SIZE;
      for (const entry of await listNonZeroStatuses(deps.db, from, from + STATUS_LIST_SIZE)) {
        statuses.setStatus(entry.index - from, entry.status);
      }
      const { header, payload } = createHeaderAndPayload(
        statuses,
        {
          iss: deps.publicUrl,
          sub: statusListUri(deps.publicUrl, list),
          iat: now,
          exp: now + validity,
          ttl,
        },
        { alg: 'ES256', typ: 'statuslist+jwt', kid: key.kid },
      );
      const token = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
      cache.set(list, { revision, issuedAt: now, token });
      return { token, ttl };
    },

    async statusListUris() {
      const last = Math.max(0, Math.floor((await maxStatusIndex(deps.db)) / STATUS_LIST_SIZE));
      return Array.from({ length: last + 1 }, (_, i) => statusListUri(deps.publicUrl, i));
    },

    async recordPresentation(db, device, record) {
      if (!record.claims.every(isIdCardClaim)) {
        throw new AppError('invalid_request', 'claims must be ID card claim names');
      }
      await deps.audit.append(db, {
        type: 'credential.presented',
        actor: device.actor,
        personId: device.personId,
        data: {
          deviceId: device.deviceId,
          organisation: record.organisation,
          role: record.role,
          claims: record.claims,
          ...(record.verifier ? { verifier: record.verifier } : {}),
          ...(record.certificateSerial ? { certificateSerial: record.certificateSerial } : {}),
        },
      });
    },

    async rotateIssuerKey(db, actor) {
      return db.transaction().execute(async (trx) => {
        const kid = await keys.rotate(trx);
        await deps.audit.append(trx, {
          type: 'credential_issuer_key.rotated',
          actor,
          data: { kid },
        });
        return kid;
      });
    },
  };
}
