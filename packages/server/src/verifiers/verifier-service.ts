import { randomUUID } from 'node:crypto';
import { ID_CARD_CLAIMS, isIdCardClaim, sortIdCardClaims } from '@openmid/protocol/id-card';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import { keyedHash, sourcePseudonym } from '../keys/keyed-hash.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { PkiService } from '../pki/pki-service.js';
import { generateActivationCode, parseActivationCode } from '../registry/activation-code.js';
import { createAttemptLimiter } from '../registry/attempt-limiter.js';
import {
  findOrganisation,
  findRoleRow,
  findVerifierDevice,
  insertOrganisation,
  insertVerifierDevice,
  listOrganisations,
  listRoleRows,
  listVerifierDevices,
  markEnrolled,
  markRevoked,
  recordEnrolmentFailure,
  upsertRoleRow,
  type VerifierDeviceRow,
} from './verifier-store.js';

/**
 * The verifier registry (SPEC F21): roles as data (role → the ID card claims it may ask for),
 * verifier organisations, and verifier devices, enrolled with a one-time code into a verifier
 * certificate from the platform CA that states organisation, role and claim set.
 */
export interface VerifierRoleInfo {
  name: string;
  claims: string[];
  description: string;
}

export interface VerifierDeviceInfo {
  id: string;
  organisationId: string;
  role: string;
  name: string;
  status: 'pending' | 'active' | 'revoked';
  certificateSerial: string | null;
  createdAt: Date;
  enrolledAt: Date | null;
}

export interface OrganisationInfo {
  id: string;
  name: string;
  createdAt: Date;
  devices: VerifierDeviceInfo[];
}

export interface Enrolment {
  device: VerifierDeviceInfo;
  organisation: string;
  claims: string[];
  certificate: Uint8Array;
}

export interface VerifierService {
  listRoles(db: Db): Promise<VerifierRoleInfo[]>;
  defineRole(db: Db, role: VerifierRoleInfo, actor: string): Promise<VerifierRoleInfo>;
  listOrganisations(db: Db): Promise<OrganisationInfo[]>;
  registerOrganisation(db: Db, name: string, actor: string): Promise<OrganisationInfo>;
  /** A pending verifier device and its one-time enrolment code (shown once). */
  createEnrolment(
    db: Db,
    organisationId: string,
    input: { role: string; name: string },
    actor: string,
  ): Promise<{ device: VerifierDeviceInfo; enrolmentCode: string; expiresAt: Date }>;
  /** The verifier device proves its key with a CSR and receives its certificate. */
  enrol(
    db: Db,
    input: { enrolmentCode: string; csrDer: Uint8Array; source: string },
  ): Promise<Enrolment>;
  revokeDevice(db: Db, id: string, actor: string): Promise<VerifierDeviceInfo>;
}

const ROLE_NAME = /^[a-z][a-z0-9_-]{1,31}$/;
const MAX_CODE_FAILURES = 5;

const deviceInfo = (r: VerifierDeviceRow): VerifierDeviceInfo => ({
  id: r.id,
  organisationId: r.organisationId,
  role: r.role,
  name: r.name,
  status: r.status,
  certificateSerial: r.certificateSerial,
  createdAt: r.createdAt,
  enrolledAt: r.enrolledAt,
});

export function createVerifierService(deps: {
  vault: KeyVault;
  clock: Clock;
  audit: AuditService;
  pki: PkiService;
  rateLimiter: RateLimiter;
  enrolmentCodeTtlSeconds: number;
  maxFailuresPerSource: number;
}): VerifierService {
  const codeHash = keyedHash(deps.vault, 'verifiers/enrolment-code');
  const source = sourcePseudonym(deps.vault);
  const limiter = createAttemptLimiter({
    scope: 'verifier-enrolment-source',
    maxFailures: deps.maxFailuresPerSource,
    windowSeconds: 3600,
    rateLimiter: deps.rateLimiter,
  });
  const refused = () =>
    new AppError(
      'enrolment_code_invalid',
      'the enrolment code is not valid: mistyped, expired or already used',
    );

  return {
    async listRoles(db) {
      return listRoleRows(db);
    },

    async defineRole(db, role, actor) {
      const name = role.name.trim().toLowerCase();
      if (!ROLE_NAME.test(name)) {
        throw new AppError('invalid_request', 'a role name is 2-32 of a-z, 0-9, _ and -');
      }
      if (
        role.claims.length === 0 ||
        !role.claims.every(isIdCardClaim) ||
        new Set(role.claims).size !== role.claims.length
      ) {
        throw new AppError(
          'invalid_request',
          `claims must be distinct ID card claims: ${ID_CARD_CLAIMS.join(', ')}`,
        );
      }
      const description = role.description.trim().slice(0, 200);
      const claims = sortIdCardClaims(role.claims.filter(isIdCardClaim));
      return db.transaction().execute(async (trx) => {
        const existed = await upsertRoleRow(trx, { name, claims, description }, actor);
        await deps.audit.append(trx, {
          type: existed ? 'verifier_role.updated' : 'verifier_role.created',
          actor,
          data: { role: name, claims },
        });
        return { name, claims, description };
      });
    },

    async listOrganisations(db) {
      const organisations = await listOrganisations(db);
      return Promise.all(
        organisations.map(async (o) => ({
          ...o,
          devices: (await listVerifierDevices(db, o.id)).map(deviceInfo),
        })),
      );
    },

    async registerOrganisation(db, rawName, actor) {
      const name = rawName.normalize('NFC').trim();
      if (name === '' || name.length > 128) {
        throw new AppError('invalid_request', 'the organisation name must be 1..128 characters');
      }
      return db.transaction().execute(async (trx) => {
        const row = await insertOrganisation(trx, { id: randomUUID(), name, createdBy: actor });
        if (!row) throw new AppError('already_exists', 'an organisation with this name exists');
        await deps.audit.append(trx, {
          type: 'verifier_organisation.registered',
          actor,
          data: { organisationId: row.id, name },
        });
        return { ...row, devices: [] };
      });
    },

    async createEnrolment(db, organisationId, input, actor) {
      const name = input.name.normalize('NFC').trim();
      if (name === '' || name.length > 64) {
        throw new AppError('invalid_request', 'the device name must be 1..64 characters');
      }
      const expiresAt = new Date(deps.clock.now().getTime() + deps.enrolmentCodeTtlSeconds * 1000);
      return db.transaction().execute(async (trx) => {
        const organisation = await findOrganisation(trx, organisationId);
        if (!organisation) throw new AppError('not_found', 'no such verifier organisation');
        const role = await findRoleRow(trx, input.role);
        if (!role) throw new AppError('invalid_request', `no verifier role ${input.role}`);
        for (;;) {
          const code = generateActivationCode();
          const inserted = await insertVerifierDevice(trx, {
            id: code.id,
            organisationId,
            role: role.name,
            name,
            enrolmentHash: codeHash(`${code.id}.${code.secret}`),
            enrolmentExpiresAt: expiresAt,
            createdBy: actor,
          });
          if (!inserted) continue; // id taken (1 in 2^40): draw another
          await deps.audit.append(trx, {
            type: 'verifier_device.enrolment_issued',
            actor,
            data: { verifierDeviceId: code.id, organisationId, role: role.name },
          });
          const device = await findVerifierDevice(trx, code.id);
          if (!device) throw new Error('the verifier device vanished');
          return { device: deviceInfo(device), enrolmentCode: code.code, expiresAt };
        }
      });
    },

    async enrol(db, input) {
      const retryAfter = await limiter.lockedFor(db, input.source);
      if (retryAfter !== undefined) {
        throw new AppError('rate_limited', 'too many failed enrolments from this address', {
          headers: { 'retry-after': String(retryAfter) },
        });
      }
      const parts = parseActivationCode(input.enrolmentCode);
      const fail = async (trx: Db, reason: string, id?: string) => {
        const counted = await limiter.fail(trx, input.source);
        if (id) await recordEnrolmentFailure(trx, id);
        await deps.audit.append(trx, {
          type: 'verifier_device.enrolment_failed',
          actor: 'anonymous',
          data: { reason, source: source(input.source), failures: counted.failures },
        });
      };
      if (!parts) {
        await db.transaction().execute((trx) => fail(trx, 'malformed'));
        throw refused();
      }
      const now = deps.clock.now();
      const outcome = await db.transaction().execute(async (trx) => {
        const device = await findVerifierDevice(trx, parts.id, { forUpdate: true });
        if (
          device?.status !== 'pending' ||
          !device.enrolmentHash ||
          device.enrolmentFailures >= MAX_CODE_FAILURES
        ) {
          await fail(trx, device ? 'not_pending' : 'unknown');
          return undefined;
        }
        if (!codeHash.matches(`${parts.id}.${parts.secret}`, device.enrolmentHash)) {
          await fail(trx, 'wrong_secret', device.id);
          return undefined;
        }
        if (!device.enrolmentExpiresAt || device.enrolmentExpiresAt <= now) {
          await fail(trx, 'expired', device.id);
          return undefined;
        }
        const organisation = await findOrganisation(trx, device.organisationId);
        const role = await findRoleRow(trx, device.role);
        if (!organisation || !role) throw new AppError('invalid_state', 'the verifier is gone');
        const actor = `verifier:${device.id}`;
        const certificate = await deps.pki.issueVerifierCertificate(trx, {
          csrDer: input.csrDer,
          role: { organisation: organisation.name, role: role.name, claims: role.claims },
          deviceName: device.name,
          organisationId: organisation.id,
          verifierDeviceId: device.id,
          actor,
        });
        await markEnrolled(trx, device.id, certificate.serialHex, now);
        await deps.audit.append(trx, {
          type: 'verifier_device.enrolled',
          actor,
          data: {
            verifierDeviceId: device.id,
            organisationId: organisation.id,
            role: role.name,
            certificate: certificate.serialHex,
          },
        });
        const enrolled = await findVerifierDevice(trx, device.id);
        if (!enrolled) throw new Error('the verifier device vanished');
        return {
          device: deviceInfo(enrolled),
          organisation: organisation.name,
          claims: role.claims,
          certificate: certificate.der,
        };
      });
      if (!outcome) throw refused();
      return outcome;
    },

    async revokeDevice(db, id, actor) {
      return db.transaction().execute(async (trx) => {
        const device = await findVerifierDevice(trx, id, { forUpdate: true });
        if (!device) throw new AppError('not_found', 'no such verifier device');
        if (device.status === 'revoked') throw new AppError('invalid_state', 'already revoked');
        if (device.certificateSerial) {
          await deps.pki.revoke(trx, device.certificateSerial, 'cessationOfOperation', actor);
        }
        await markRevoked(trx, id);
        await deps.audit.append(trx, {
          type: 'verifier_device.revoked',
          actor,
          data: { verifierDeviceId: id, certificate: device.certificateSerial },
        });
        const after = await findVerifierDevice(trx, id);
        if (!after) throw new Error('the verifier device vanished');
        return deviceInfo(after);
      });
    },
  };
}
