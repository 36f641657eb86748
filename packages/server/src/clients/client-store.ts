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

function rowOf(r: {
  client_id: string;
  client_name: string;
  environment: ClientEnvironment;
  status: 'active' | 'disabled';
  metadata: ClientRegistration | string;
  allowed_claims: string[] | string;
  sector: string;
  secret_hash: Buffer;
  created_at: Date;
}): ClientRow {
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
  return r ? rowOf(r) : undefined;
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

/** Replace a client's registration (metadata, allowed claims, name, environment); the sector stays. */
export async function reviseClientRegistration(
  db: Db,
  clientId: string,
  change: {
    clientName: string;
    environment: ClientEnvironment;
    metadata: ClientRegistration;
    allowedClaims: string[];
  },
): Promise<boolean> {
  const result = await db
    .updateTable('clients')
    .set({
      client_name: change.clientName,
      environment: change.environment,
      metadata: JSON.stringify(change.metadata),
      allowed_claims: JSON.stringify(change.allowedClaims),
    })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateClientStatus(
  db: Db,
  clientId: string,
  status: 'active' | 'disabled',
): Promise<boolean> {
  const result = await db
    .updateTable('clients')
    .set({ status })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Clients, newest first, optionally of one environment and/or among given ids. */
export async function listClientRows(
  db: Db,
  filter: { environment?: ClientEnvironment | undefined; clientIds?: readonly string[] },
): Promise<ClientRow[]> {
  if (filter.clientIds && filter.clientIds.length === 0) return [];
  let q = db
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
    .orderBy('created_at', 'desc')
    .limit(1000);
  if (filter.environment) q = q.where('environment', '=', filter.environment);
  if (filter.clientIds) q = q.where('client_id', 'in', [...filter.clientIds]);
  return (await q.execute()).map(rowOf);
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
