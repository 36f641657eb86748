import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@openmid/protocol';
import type { AuditService } from '../audit/audit-service.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import { validateRegistration } from './client-metadata.js';
import type { ClientRecord, ClientRegistration, ClientService } from './client-service.js';
import {
  type ClientRow,
  findClientById,
  insertClient,
  listClientRows,
  reviseClientRegistration,
  updateClientRegistration,
  updateClientSecret,
  updateClientStatus,
} from './client-store.js';

/** Random client ids and secrets: base64url of 16 and 32 bytes. */
export const newClientId = (): string => randomBytes(16).toString('base64url');
export const newClientSecret = (): string => randomBytes(32).toString('base64url');

function toRecord(row: ClientRow): ClientRecord {
  return {
    clientId: row.clientId,
    clientName: row.clientName,
    environment: row.environment,
    status: row.status,
    metadata: row.metadata,
    allowedClaims: row.allowedClaims,
    sector: row.sector,
    createdAt: row.createdAt,
  };
}

/** What the audit log records of a registration (never a secret or a key). */
function registrationSummary(metadata: ClientRegistration, allowedClaims: string[]) {
  return {
    clientName: metadata.client_name,
    environment: metadata.environment,
    grantTypes: metadata.grant_types ?? [],
    allowedClaims,
  };
}

export interface ClientServiceImpl extends ClientService {
  /**
   * Register a client under a fixed id with a given (or new) secret, or set that secret on the
   * existing one (sandbox seeding: the demo client keeps its id and secret across restarts).
   */
  ensure(
    db: Db,
    clientId: string,
    registration: Parameters<ClientService['register']>[1],
    actor: string,
    clientSecret?: string,
  ): Promise<{ client: ClientRecord; clientSecret: string; created: boolean }>;
  /**
   * Replace a client's registration (validated as at registration; the pairwise sector stays, so
   * the subjects its users already have do not change). Audited as client.updated.
   */
  update(
    db: Db,
    clientId: string,
    registration: Parameters<ClientService['register']>[1],
    actor: string,
  ): Promise<ClientRecord>;
  /** Disable (every token and log-in of it stops) or enable a client. */
  setStatus(
    db: Db,
    clientId: string,
    status: 'active' | 'disabled',
    actor: string,
  ): Promise<ClientRecord>;
  /** A new secret, shown once; the old one stops at once. */
  rotateSecret(
    db: Db,
    clientId: string,
    actor: string,
  ): Promise<{ client: ClientRecord; clientSecret: string }>;
  list(
    db: Db,
    filter?: { environment?: 'sandbox' | 'production' | undefined; clientIds?: readonly string[] },
  ): Promise<ClientRecord[]>;
}

/**
 * Relying-party clients (F26, SPEC §4.5). The secret is random, shown once, and stored only as an
 * HMAC-SHA256 under a key derived from the master key, so a database dump alone cannot be used
 * to test guesses; it is compared in constant time.
 */
export function createClientService(deps: {
  vault: KeyVault;
  audit: AuditService;
}): ClientServiceImpl {
  const secretKey = deps.vault.deriveKey('client-secret');
  const pairwiseKey = deps.vault.deriveKey('pairwise-subject');
  const hashSecret = (clientId: string, secret: string): Buffer =>
    createHmac('sha256', secretKey).update(`${clientId}\u0000${secret}`).digest();
  // Compared against when the id is unknown, so both paths cost one HMAC and one compare.
  const decoy = hashSecret('', newClientSecret());

  async function insert(
    db: Db,
    clientId: string,
    registration: unknown,
    actor: string,
    clientSecret: string = newClientSecret(),
  ) {
    const {
      registration: metadata,
      allowedClaims,
      sector,
    } = validateRegistration(registration, clientId);
    return db.transaction().execute(async (trx) => {
      const createdAt = await insertClient(trx, {
        clientId,
        clientName: metadata.client_name,
        environment: metadata.environment,
        metadata,
        allowedClaims,
        sector,
        secretHash: hashSecret(clientId, clientSecret),
        createdBy: actor,
      });
      await deps.audit.append(trx, {
        type: 'client.registered',
        actor,
        clientId,
        data: registrationSummary(metadata, allowedClaims),
      });
      const client: ClientRecord = {
        clientId,
        clientName: metadata.client_name,
        environment: metadata.environment,
        status: 'active',
        metadata,
        allowedClaims,
        sector,
        createdAt,
      };
      return { client, clientSecret };
    });
  }

  return {
    register(db, registration, actor) {
      return insert(db, newClientId(), registration, actor);
    },
    async ensure(db, clientId, registration, actor, secret) {
      const existing = await findClientById(db, clientId);
      if (!existing) {
        return { ...(await insert(db, clientId, registration, actor, secret)), created: true };
      }
      const clientSecret = secret ?? newClientSecret();
      const hash = hashSecret(clientId, clientSecret);
      // A built-in client (the sandbox's demo RP) follows the registration the code gives now.
      const {
        registration: metadata,
        allowedClaims,
        sector,
      } = validateRegistration(registration, clientId);
      const current = {
        clientName: metadata.client_name,
        metadata,
        allowedClaims,
        sector,
      };
      // Compared canonically: jsonb does not keep the order of members.
      const changed =
        canonicalJson([
          existing.clientName,
          existing.metadata,
          existing.allowedClaims,
          existing.sector,
        ]) !==
        canonicalJson([
          current.clientName,
          current.metadata,
          current.allowedClaims,
          current.sector,
        ]);
      if (existing.secretHash.equals(hash) && !changed) {
        return { client: toRecord(existing), clientSecret, created: false };
      }
      await db.transaction().execute(async (trx) => {
        if (!existing.secretHash.equals(hash)) {
          await updateClientSecret(trx, clientId, hash);
          await deps.audit.append(trx, { type: 'client.secret_rotated', actor, clientId });
        }
        if (changed) {
          await updateClientRegistration(trx, clientId, current);
          await deps.audit.append(trx, {
            type: 'client.updated',
            actor,
            clientId,
            data: registrationSummary(metadata, allowedClaims),
          });
        }
      });
      return {
        client: toRecord(changed ? { ...existing, ...current } : existing),
        clientSecret,
        created: false,
      };
    },
    async update(db, clientId, registration, actor) {
      const existing = await findClientById(db, clientId);
      if (!existing) throw new AppError('not_found', 'no such client');
      const { registration: metadata, allowedClaims } = validateRegistration(
        registration,
        clientId,
      );
      await db.transaction().execute(async (trx) => {
        await reviseClientRegistration(trx, clientId, {
          clientName: metadata.client_name,
          environment: metadata.environment,
          metadata,
          allowedClaims,
        });
        await deps.audit.append(trx, {
          type:
            existing.environment !== metadata.environment ? 'client.promoted' : 'client.updated',
          actor,
          clientId,
          data: {
            clientName: metadata.client_name,
            environment: metadata.environment,
            previousEnvironment: existing.environment,
            allowedClaims,
          },
        });
      });
      return {
        ...toRecord(existing),
        clientName: metadata.client_name,
        environment: metadata.environment,
        metadata,
        allowedClaims,
      };
    },
    async setStatus(db, clientId, status, actor) {
      return db.transaction().execute(async (trx) => {
        const existing = await findClientById(trx, clientId);
        if (!existing) throw new AppError('not_found', 'no such client');
        await updateClientStatus(trx, clientId, status);
        await deps.audit.append(trx, {
          type: status === 'disabled' ? 'client.disabled' : 'client.enabled',
          actor,
          clientId,
        });
        return { ...toRecord(existing), status };
      });
    },
    async rotateSecret(db, clientId, actor) {
      const clientSecret = newClientSecret();
      return db.transaction().execute(async (trx) => {
        const existing = await findClientById(trx, clientId);
        if (!existing) throw new AppError('not_found', 'no such client');
        await updateClientSecret(trx, clientId, hashSecret(clientId, clientSecret));
        await deps.audit.append(trx, { type: 'client.secret_rotated', actor, clientId });
        return { client: toRecord(existing), clientSecret };
      });
    },
    async list(db, filter = {}) {
      return (await listClientRows(db, filter)).map(toRecord);
    },
    async get(db, clientId) {
      const row = await findClientById(db, clientId);
      return row ? toRecord(row) : undefined;
    },
    async authenticate(db, clientId, secret) {
      const row = clientId.length <= 200 ? await findClientById(db, clientId) : undefined;
      const expected = row?.secretHash ?? decoy;
      const given = hashSecret(row ? clientId : '', secret);
      const match = expected.length === given.length && timingSafeEqual(expected, given);
      if (!row || !match || row.status !== 'active') return undefined;
      return toRecord(row);
    },
    pairwiseSubject(client, personId) {
      return createHmac('sha256', pairwiseKey)
        .update(`${client.sector}\u0000${personId}`)
        .digest('base64url');
    },
  };
}
