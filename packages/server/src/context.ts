import type { Registry } from 'prom-client';
import type { AuditService } from './audit/audit-service.js';
import type { Bus } from './bus/bus.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import type { KeyVault } from './keys/key-vault.js';
import type { TrustServices } from './pki/pki-service.js';

/** What every module is built from: the opened resources of one node. Passed, never global. */
export interface Infrastructure {
  config: Config;
  db: Db;
  dbKind: 'pglite' | 'postgres';
  bus: Bus;
  vault: KeyVault;
  clock: Clock;
  metrics: Registry;
  /** Aborted when the node begins to shut down: long polls and streams end early. */
  shutdownSignal: AbortSignal;
}

/** The domain services of one node, built once at start (services.ts). */
export interface Services {
  audit: AuditService;
  /** The CA and its trust services (OCSP, CRL, TSA); other modules use the PkiService part. */
  pki: TrustServices;
}

export type AppContext = Infrastructure & Services;
