import type { Db } from '../db/db.js';
import type { ClientEnvironment, ClientRegistration } from './client-service.js';

export interface ClientRow {
  clientId: string;
  clientName: string;
  environment: ClientEnvironment;
  status: 'active' | 'disabled';
  metadata: ClientRegistration;
  allowedClaims: string[];
  sector: string;
  secretHash: Buffer;
  createdAt: Date;
}

export async function insertClient(
  db: Db,
  client: Omit<ClientRow, 'status' | 'createdAt'> & { createdBy: string },
): Promise<Date> {
  const row = await db
    .insertInto('clients')
    .values({
      client_id: client.clientId,
      client_name: client.clientName,
      environment: client.environment,
      metadata: JSON.stringify(client.metadata),
      allowed_claims: JSON.stringify(client.allowedClaims),
      sector: client.sector,
      secret_hash: client.secretHash,
      created_by: client.createdBy,
    })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return row.created_at;
}

const parseJson = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function findClientById(db: Db, clientId: string): Promise<ClientRow | undefined> {
  const r = await db
    .selectFrom('clients')
    .select([
      'client_id',
      'client_name',
      'environment',
      'status',
      'metadata',
      'allowed_claims',
      'sector',
      'secret_hash',
      'created_at',
    ])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    clientId: r.client_id,
    clientName: r.client_name,
    environment: r.environment,
    status: r.status,
    metadata: parseJson(r.metadata),
    allowedClaims: parseJson(r.allowed_claims),
    sector: r.sector,
    secretHash: Buffer.from(r.secret_hash),
    createdAt: r.created_at,
  };
}

/** Replace a client's secret (sandbox seeding re-keys its demo client at each start). */
export async function updateClientSecret(
  db: Db,
  clientId: string,
  secretHash: Buffer,
): Promise<void> {
  await db
    .updateTable('clients')
    .set({ secret_hash: secretHash })
    .where('client_id', '=', clientId)
    .execute();
}

/** Replace a client's registration (name, metadata, allowed claims, sector). */
export async function updateClientRegistration(
  db: Db,
  clientId: string,
  registration: Pick<ClientRow, 'clientName' | 'metadata' | 'allowedClaims' | 'sector'>,
): Promise<void> {
  await db
    .updateTable('clients')
    .set({
      client_name: registration.clientName,
      metadata: JSON.stringify(registration.metadata),
      allowed_claims: JSON.stringify(registration.allowedClaims),
      sector: registration.sector,
    })
    .where('client_id', '=', clientId)
    .execute();
}
