import type { AuditService } from '../audit/audit-service.js';
import type { ClientService } from '../clients/client-service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { SessionService } from '../sessions/session-service.js';

/** What the OpenID Provider is built from (passed down, never global). */
export interface OidcDeps {
  config: Config;
  db: Db;
  clock: Clock;
  vault: KeyVault;
  audit: AuditService;
  clients: ClientService;
  sessions: SessionService;
  registry: RegistryService;
  rateLimiter: RateLimiter;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Aborted at shutdown: background waits end. */
  shutdownSignal: AbortSignal;
}
