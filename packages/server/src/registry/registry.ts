import { randomUUID } from 'node:crypto';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import { keyedHash } from '../keys/keyed-hash.js';
import { generateActivationCode, generatePuk } from './activation-code.js';
import { insertActivationCode, supersedeActiveCodesOfPerson } from './activation-code-store.js';
import {
  type DeviceRow,
  findActiveDeviceOfPerson,
  findDeviceById,
  findDeviceByThumbprint,
  listDevicesOfPerson,
} from './device-store.js';
import { type NewPerson, type PersonData, validateNewPerson } from './person-input.js';
import {
  findPersonRowById,
  findPersonRowByNationalIdHash,
  findPersonRowByPhoneHash,
  insertPerson,
  type PersonRow,
  updatePersonData,
} from './person-store.js';
import type { Device, Person, RegistryService } from './registry-service.js';

export interface IssuedActivationCode {
  activationCode: string;
  puk: string;
  expiresAt: Date;
}

/** What an officer may change of a registered person: everything but the national id. */
export type PersonPatch = Partial<Omit<NewPerson, 'nationalId'>>;

/** The registry as the admin and device adapters use it: the shared contract and more. */
export interface PersonRegistry extends RegistryService {
  createPerson(db: Db, input: NewPerson, actor: string): Promise<Person>;
  /**
   * Correct or update a person's data (a new name, phone, address, photo, checked document);
   * the national id stays. Validated as at registration and audited with the names of the
   * fields that changed, never their values. Throws person_not_found.
   */
  updatePerson(db: Db, personId: string, patch: PersonPatch, actor: string): Promise<Person>;
  /** A person for a staff member; audited (who looked at whom). Throws person_not_found. */
  viewPerson(db: Db, personId: string, actor: string): Promise<Person>;
  /** Look a person up by national id or phone for a staff member; audited. */
  searchPersons(
    db: Db,
    query: { nationalId?: string | undefined; phone?: string | undefined },
    actor: string,
  ): Promise<Person[]>;
  listDevicesOfPerson(db: Db, personId: string): Promise<Device[]>;
  /** The device whose device key has this RFC 7638 thumbprint. */
  findDeviceByKey(db: Db, keyThumbprint: string): Promise<Device | undefined>;
  /**
   * A one-time activation code and the PUK for a person (SPEC F2). Earlier codes of the person
   * that are still outstanding stop working. The code is stored as a keyed hash, the PUK sealed
   * until activation releases it.
   */
  issueActivationCode(db: Db, personId: string, actor: string): Promise<IssuedActivationCode>;
  /** Keyed hash of an activation code's secret bound to its id (for the activation service). */
  activationSecretMatches(id: string, secret: string, stored: Uint8Array): boolean;
  openPuk(sealed: string, codeId: string): string;
}

export const personLabel = (id: string): string => `registry/person/${id}`;
const pukLabel = (codeId: string): string => `registry/puk/${codeId}`;

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    personId: row.personId,
    status: row.status,
    name: row.name,
    authCertSerial: row.authCertSerial,
    signCertSerial: row.signCertSerial,
    keyStore: row.keyStore,
    publicJwk: JSON.parse(row.publicJwk) as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}

export function createRegistry(deps: {
  vault: KeyVault;
  clock: Clock;
  audit: AuditService;
  activationCodeTtlSeconds: number;
}): PersonRegistry {
  const nationalIdHash = keyedHash(deps.vault, 'registry/national-id');
  const phoneHash = keyedHash(deps.vault, 'registry/phone');
  const codeHash = keyedHash(deps.vault, 'registry/activation-code');
  const codeSecret = (id: string, secret: string) => `${id}.${secret}`;

  const open = (row: PersonRow): Person => {
    const data = JSON.parse(
      deps.vault.open(row.sealed, personLabel(row.id)).toString('utf8'),
    ) as PersonData;
    return { ...data, id: row.id, status: row.status, createdAt: row.createdAt };
  };

  const getPerson = async (db: Db, personId: string): Promise<Person | undefined> => {
    const row = await findPersonRowById(db, personId);
    return row ? open(row) : undefined;
  };

  return {
    async findPersonByNationalId(db, nationalId) {
      const row = await findPersonRowByNationalIdHash(db, nationalIdHash(nationalId));
      return row ? open(row) : undefined;
    },
    async findPersonByPhone(db, phone) {
      const row = await findPersonRowByPhoneHash(db, phoneHash(phone));
      return row ? open(row) : undefined;
    },
    getPerson,
    async findActiveDevice(db, personId) {
      const row = await findActiveDeviceOfPerson(db, personId);
      return row ? toDevice(row) : undefined;
    },
    async getDevice(db, deviceId) {
      const row = await findDeviceById(db, deviceId);
      return row ? toDevice(row) : undefined;
    },

    async createPerson(db, input, actor) {
      const data = validateNewPerson(input, deps.clock.now());
      const id = randomUUID();
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await insertPerson(trx, {
            id,
            nationalIdHash: nationalIdHash(data.nationalId),
            phoneHash: data.phone === null ? null : phoneHash(data.phone),
            sealed: deps.vault.seal(Buffer.from(JSON.stringify(data), 'utf8'), personLabel(id)),
            createdBy: actor,
          });
          await deps.audit.append(trx, {
            type: 'person.registered',
            actor,
            personId: id,
            data: {
              documentType: data.document?.type ?? null,
              documentChecked: Boolean(data.document),
              fields: Object.entries(data)
                .filter(([, v]) => v !== null)
                .map(([k]) => k)
                .sort(),
            },
          });
          return { ...data, id, status: row.status, createdAt: row.createdAt };
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          const which = String((error as { constraint?: unknown }).constraint ?? '');
          throw new AppError(
            'already_exists',
            which.includes('phone')
              ? 'a person with this phone number is already registered'
              : 'a person with this national identifier is already registered',
            { cause: error },
          );
        }
        throw error;
      }
    },

    async updatePerson(db, personId, patch, actor) {
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await findPersonRowById(trx, personId);
          if (!row) throw new AppError('person_not_found', `no person ${personId}`);
          const current = open(row);
          const merged: NewPerson = {
            nationalId: current.nationalId,
            givenName: patch.givenName ?? current.givenName,
            familyName: patch.familyName ?? current.familyName,
            birthDate: patch.birthDate ?? current.birthDate,
            nationality: patch.nationality ?? current.nationality ?? undefined,
            phone: patch.phone ?? current.phone ?? undefined,
            email: patch.email ?? current.email ?? undefined,
            address: patch.address ?? current.address ?? undefined,
            photo: patch.photo ?? current.photo ?? undefined,
            document: patch.document ?? current.document ?? undefined,
          };
          const data = validateNewPerson(merged, deps.clock.now());
          const before = current as unknown as Record<string, unknown>;
          const changed = Object.entries(data)
            .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k] ?? null))
            .map(([k]) => k)
            .sort();
          if (changed.length === 0) return current;
          const updated = await updatePersonData(trx, personId, {
            sealed: deps.vault.seal(
              Buffer.from(JSON.stringify(data), 'utf8'),
              personLabel(personId),
            ),
            phoneHash: data.phone === null ? null : phoneHash(data.phone),
          });
          if (!updated) throw new AppError('person_not_found', `no person ${personId}`);
          await deps.audit.append(trx, {
            type: 'person.updated',
            actor,
            personId,
            data: { fields: changed },
          });
          return { ...data, id: personId, status: updated.status, createdAt: updated.createdAt };
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError(
            'already_exists',
            'a person with this phone number is already registered',
            { cause: error },
          );
        }
        throw error;
      }
    },

    async viewPerson(db, personId, actor) {
      const person = await getPerson(db, personId);
      if (!person) throw new AppError('person_not_found', `no person ${personId}`);
      await deps.audit.append(db, { type: 'person.viewed', actor, personId });
      return person;
    },

    async searchPersons(db, query, actor) {
      const row =
        query.nationalId !== undefined
          ? await findPersonRowByNationalIdHash(db, nationalIdHash(query.nationalId))
          : query.phone !== undefined
            ? await findPersonRowByPhoneHash(db, phoneHash(query.phone))
            : undefined;
      await deps.audit.append(db, {
        type: 'person.searched',
        actor,
        personId: row?.id,
        data: { by: query.nationalId !== undefined ? 'nationalId' : 'phone', found: Boolean(row) },
      });
      return row ? [open(row)] : [];
    },

    async findDeviceByKey(db, keyThumbprint) {
      const row = await findDeviceByThumbprint(db, keyThumbprint);
      return row ? toDevice(row) : undefined;
    },
    async listDevicesOfPerson(db, personId) {
      return (await listDevicesOfPerson(db, personId)).map(toDevice);
    },

    async issueActivationCode(db, personId, actor) {
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + deps.activationCodeTtlSeconds * 1000);
      return db.transaction().execute(async (trx) => {
        const person = await findPersonRowById(trx, personId);
        if (!person) throw new AppError('person_not_found', `no person ${personId}`);
        if (person.status !== 'active') {
          throw new AppError('invalid_state', `the person is ${person.status}`);
        }
        const superseded = await supersedeActiveCodesOfPerson(trx, personId);
        const puk = generatePuk();
        for (;;) {
          const code = generateActivationCode();
          const row = await insertActivationCode(trx, {
            id: code.id,
            personId,
            secretHash: codeHash(codeSecret(code.id, code.secret)),
            pukSealed: deps.vault.seal(Buffer.from(puk, 'utf8'), pukLabel(code.id)),
            expiresAt,
            createdBy: actor,
          });
          if (!row) continue; // id taken (1 in 2^40): draw another
          await deps.audit.append(trx, {
            type: 'activation_code.issued',
            actor,
            personId,
            data: { expiresAt: expiresAt.toISOString(), superseded: superseded.length },
          });
          return { activationCode: code.code, puk, expiresAt };
        }
      });
    },

    activationSecretMatches(id, secret, stored) {
      return codeHash.matches(codeSecret(id, secret), stored);
    },
    openPuk(sealed, codeId) {
      return deps.vault.open(sealed, pukLabel(codeId)).toString('utf8');
    },
  };
}
