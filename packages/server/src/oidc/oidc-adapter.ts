import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import type { ClientService } from '../clients/client-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { toProviderMetadata } from './client-metadata.js';
import {
  consumePayload,
  deletePayload,
  deletePayloadsOfGrant,
  findPayload,
  type StoredPayload,
  upsertPayload,
} from './oidc-store.js';

export interface AdapterDeps {
  db: Db;
  clock: Clock;
  clients: Pick<ClientService, 'get'>;
  /** Keys the per-client secret placeholder (client-metadata.ts). */
  placeholderKey: Buffer;
}

function toAdapterPayload(stored: StoredPayload | undefined): AdapterPayload | undefined {
  if (!stored) return undefined;
  const payload = stored.payload as AdapterPayload;
  if (stored.consumedAt) payload.consumed = Math.floor(stored.consumedAt.getTime() / 1000);
  return payload;
}

/**
 * oidc-provider's persistence on our database: one row per artifact in oidc_payloads, keyed by
 * model and id. Clients are not stored here: they come from ClientService (SPEC §4.5), one
 * registration for the REST API and OIDC.
 */
export function createAdapterClass(deps: AdapterDeps): AdapterConstructor {
  return class DbAdapter implements Adapter {
    readonly model: string;

    constructor(name: string) {
      this.model = name;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') {
        throw new Error('clients are registered through POST /admin/v1/clients');
      }
      const now = deps.clock.now().getTime();
      await upsertPayload(deps.db, {
        model: this.model,
        id,
        payload: payload as Record<string, unknown>,
        grantId: payload.grantId,
        userCode: payload.userCode,
        uid: payload.uid,
        expiresAt: expiresIn ? new Date(now + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const record = await deps.clients.get(deps.db, id);
        if (record?.status !== 'active') return undefined;
        return toProviderMetadata(record, deps.placeholderKey) as AdapterPayload;
      }
      return toAdapterPayload(await findPayload(deps.db, this.model, { id }, deps.clock.now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return toAdapterPayload(await findPayload(deps.db, this.model, { uid }, deps.clock.now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toAdapterPayload(
        await findPayload(deps.db, this.model, { userCode }, deps.clock.now()),
      );
    }

    async consume(id: string): Promise<void> {
      await consumePayload(deps.db, this.model, id, deps.clock.now());
    }

    async destroy(id: string): Promise<void> {
      await deletePayload(deps.db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await deletePayloadsOfGrant(deps.db, grantId);
    }
  };
}
