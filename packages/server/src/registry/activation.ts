import { createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { type DeviceEvent, parseNationalId } from '@openmid/protocol';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import { sourcePseudonym } from '../keys/keyed-hash.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { CertificateRecord, PkiService, RevocationReason } from '../pki/pki-service.js';
import { parseActivationCode } from './activation-code.js';
import {
  consumeActivationCode,
  lockActivationCodeRow,
  recordActivationCodeFailure,
} from './activation-code-store.js';
import { createAttemptLimiter } from './attempt-limiter.js';
import {
  findDeviceById,
  insertDevice,
  lockLiveDevicesOfPerson,
  setDeviceCertificates,
  updateDeviceStatus,
} from './device-store.js';
import type { PersonRegistry } from './registry.js';
import { toDevice } from './registry.js';
import type { Device, Person } from './registry-service.js';

export interface ActivationInput {
  activationCode: string;
  authCsrDer: Uint8Array;
  signCsrDer: Uint8Array;
  deviceName: string | null;
  /** The device key, already proven by the request's device proof. */
  deviceKey: { jwk: Record<string, unknown>; thumbprint: string };
  /** The caller's address, for the per-source lock-out. */
  source: string;
}

export interface ActivationResult {
  device: Device;
  person: Person;
  authCertificate: CertificateRecord;
  signCertificate: CertificateRecord;
  puk: string;
  /** Devices this activation revoked (re-registration). */
  replaced: string[];
}

export type DeviceAction = 'suspend' | 'resume' | 'revoke';

export interface ActivationService {
  /**
   * Activate a device with a one-time code (SPEC F4): the two CSRs become certificates, the
   * device key is bound to the new device, the code is consumed and its PUK released once. A
   * person's earlier device is revoked with its certificates (re-registration, F5). Wrong, expired
   * or used codes count against the code and the source; all refusals look alike.
   */
  activate(db: Db, input: ActivationInput): Promise<ActivationResult>;
  /** Suspend, resume or revoke a device and its certificates at once (F5). */
  changeDeviceStatus(
    db: Db,
    deviceId: string,
    action: DeviceAction,
    actor: string,
    reason?: RevocationReason,
  ): Promise<Device>;
  /** A PIN event the phone reports (F6, F22): recorded for the citizen's usage log. */
  recordDeviceEvent(
    db: Db,
    device: { deviceId: string; personId: string; actor: string },
    event: DeviceEvent,
  ): Promise<void>;
}

const WINDOW_SECONDS = 3600;

function spki(der: Uint8Array): Buffer {
  return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
}

export function createActivationService(deps: {
  vault: KeyVault;
  clock: Clock;
  audit: AuditService;
  pki: PkiService;
  registry: PersonRegistry;
  rateLimiter: RateLimiter;
  maxAttemptsPerCode: number;
  maxFailuresPerSource: number;
}): ActivationService {
  const source = sourcePseudonym(deps.vault);
  const limiter = createAttemptLimiter({
    scope: 'activation-source',
    maxFailures: deps.maxFailuresPerSource,
    windowSeconds: WINDOW_SECONDS,
    rateLimiter: deps.rateLimiter,
  });
  const refused = () =>
    new AppError(
      'activation_code_invalid',
      'the activation code is not valid: mistyped, expired or already used',
    );

  /** Count a failure for the source (and audit it) in the caller's transaction. */
  async function countFailure(
    trx: Db,
    address: string,
    reason: string,
    personId?: string,
  ): Promise<void> {
    const counted = await limiter.fail(trx, address);
    if (counted.failures <= limiter.maxFailures) {
      await deps.audit.append(trx, {
        type: counted.lockedNow ? 'activation.locked' : 'activation.failed',
        actor: 'anonymous',
        personId,
        data: { reason, source: source(address), failures: counted.failures },
      });
    }
  }

  async function releaseDeviceCertificates(
    trx: Db,
    deviceId: string,
    action: DeviceAction,
    actor: string,
    reason: RevocationReason,
  ): Promise<string[]> {
    const changed: string[] = [];
    for (const cert of await deps.pki.listCertificatesOfDevice(trx, deviceId)) {
      if (cert.status === 'revoked') continue;
      if (action === 'revoke') await deps.pki.revoke(trx, cert.serialHex, reason, actor);
      else if (action === 'suspend' && cert.status === 'good')
        await deps.pki.suspend(trx, cert.serialHex, actor);
      else if (action === 'resume' && cert.status === 'suspended')
        await deps.pki.resume(trx, cert.serialHex, actor);
      else continue;
      changed.push(cert.serialHex);
    }
    return changed;
  }

  return {
    async activate(db, input) {
      const retryAfter = await limiter.lockedFor(db, input.source);
      if (retryAfter !== undefined) {
        throw new AppError('activation_locked', 'too many failed activations from this address', {
          headers: { 'retry-after': String(retryAfter) },
        });
      }
      const parts = parseActivationCode(input.activationCode);
      if (!parts) {
        await db.transaction().execute((trx) => countFailure(trx, input.source, 'malformed'));
        throw refused();
      }
      const now = deps.clock.now();
      // A refusal commits its counters; anything thrown inside rolls the whole activation back.
      const outcome = await db.transaction().execute(async (trx) => {
        const code = await lockActivationCodeRow(trx, parts.id);
        if (!code) {
          await countFailure(trx, input.source, 'unknown');
          return { refused: true as const };
        }
        if (!deps.registry.activationSecretMatches(parts.id, parts.secret, code.secretHash)) {
          if (code.status === 'active') {
            const after = await recordActivationCodeFailure(trx, code.id, deps.maxAttemptsPerCode);
            if (after.status === 'locked') {
              await deps.audit.append(trx, {
                type: 'activation_code.locked',
                actor: 'system',
                personId: code.personId,
                data: { failedAttempts: after.failedAttempts },
              });
            }
          }
          await countFailure(trx, input.source, 'wrong_secret', code.personId);
          return { refused: true as const };
        }
        if (code.status !== 'active' || code.pukSealed === null) {
          await countFailure(trx, input.source, code.status, code.personId);
          return { refused: true as const };
        }
        if (code.expiresAt.getTime() <= now.getTime()) {
          await countFailure(trx, input.source, 'expired', code.personId);
          return { refused: true as const };
        }
        const person = await deps.registry.getPerson(trx, code.personId);
        if (!person) throw new AppError('person_not_found', 'the person of this code is gone');
        if (person.status !== 'active') {
          throw new AppError('invalid_state', `the person is ${person.status}`);
        }

        const deviceId = randomUUID();
        const actor = `device:${deviceId}`;
        // Re-registration: the person's earlier device and its certificates end here.
        const replaced: string[] = [];
        for (const old of await lockLiveDevicesOfPerson(trx, person.id)) {
          const serials = await releaseDeviceCertificates(
            trx,
            old.id,
            'revoke',
            actor,
            'superseded',
          );
          await updateDeviceStatus(trx, old.id, 'revoked', now);
          await deps.audit.append(trx, {
            type: 'device.revoked',
            actor,
            personId: person.id,
            data: { deviceId: old.id, reason: 'superseded', certificates: serials },
          });
          replaced.push(old.id);
        }

        try {
          await insertDevice(trx, {
            id: deviceId,
            personId: person.id,
            name: input.deviceName,
            keyThumbprint: input.deviceKey.thumbprint,
            publicJwk: JSON.stringify(input.deviceKey.jwk),
            keyStore: 'software',
            activationCodeId: code.id,
          });
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new AppError(
              'conflict',
              'this device key is already registered; make a new one',
              {
                cause: error,
              },
            );
          }
          throw error;
        }
        const nationalId = parseNationalId(person.nationalId);
        const subject = {
          nationalId: person.nationalId,
          givenName: person.givenName,
          familyName: person.familyName,
          country: nationalId?.country ?? person.nationality ?? 'ZZ',
        };
        const common = { subject, personId: person.id, deviceId, actor };
        const authCertificate = await deps.pki.issueCertificate(trx, {
          ...common,
          csrDer: input.authCsrDer,
          purpose: 'auth',
        });
        const signCertificate = await deps.pki.issueCertificate(trx, {
          ...common,
          csrDer: input.signCsrDer,
          purpose: 'sign',
        });
        // Three keys with three jobs (DESIGN §4): the device, PIN1 and PIN2 keys must differ.
        const deviceSpki = createPublicKey({
          key: input.deviceKey.jwk as never,
          format: 'jwk',
        }).export({ type: 'spki', format: 'der' });
        const authSpki = spki(authCertificate.der);
        const signSpki = spki(signCertificate.der);
        if (
          authSpki.equals(signSpki) ||
          authSpki.equals(deviceSpki) ||
          signSpki.equals(deviceSpki)
        ) {
          throw new AppError(
            'invalid_csr',
            'the device key, the authentication key and the signing key must be three different keys',
          );
        }
        const device = await setDeviceCertificates(trx, deviceId, {
          auth: authCertificate.serialHex,
          sign: signCertificate.serialHex,
        });
        if (!(await consumeActivationCode(trx, code.id, deviceId, now))) {
          throw new AppError('activation_code_invalid', 'the activation code was used meanwhile');
        }
        const puk = deps.registry.openPuk(code.pukSealed, code.id);
        await deps.audit.append(trx, {
          type: 'device.activated',
          actor,
          personId: person.id,
          data: {
            deviceId,
            keyStore: 'software',
            authCertificate: authCertificate.serialHex,
            signCertificate: signCertificate.serialHex,
            replaced,
          },
        });
        return {
          refused: false as const,
          result: {
            device: toDevice(device),
            person,
            authCertificate,
            signCertificate,
            puk,
            replaced,
          },
        };
      });
      if (outcome.refused) throw refused();
      return outcome.result;
    },

    async recordDeviceEvent(db, device, event) {
      await deps.audit.append(db, {
        type: `device.${event.type}`,
        actor: device.actor,
        personId: device.personId,
        data: { deviceId: device.deviceId, key: event.key },
      });
    },

    async changeDeviceStatus(db, deviceId, action, actor, reason = 'unspecified') {
      return db.transaction().execute(async (trx) => {
        const device = await findDeviceById(trx, deviceId, { forUpdate: true });
        if (!device) throw new AppError('not_found', `no device ${deviceId}`);
        const next =
          action === 'suspend' ? 'suspended' : action === 'resume' ? 'active' : 'revoked';
        const allowed =
          (action === 'suspend' && device.status === 'active') ||
          (action === 'resume' && device.status === 'suspended') ||
          (action === 'revoke' && device.status !== 'revoked');
        if (!allowed) {
          throw new AppError('invalid_state', `cannot ${action} a device that is ${device.status}`);
        }
        const certificates = await releaseDeviceCertificates(trx, deviceId, action, actor, reason);
        const updated = await updateDeviceStatus(trx, deviceId, next, deps.clock.now());
        await deps.audit.append(trx, {
          type: `device.${next === 'active' ? 'resumed' : next}`,
          actor,
          personId: device.personId,
          data: {
            deviceId,
            certificates,
            ...(action === 'revoke' ? { reason } : {}),
          },
        });
        return toDevice(updated);
      });
    },
  };
}
