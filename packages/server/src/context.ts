import type { Registry } from 'prom-client';
import type { StaffService } from './admin/staff-service.js';
import type { AuditService } from './audit/audit-service.js';
import type { Bus } from './bus/bus.js';
import type { DeclarationService } from './callcentre/declaration-service.js';
import type { ClientServiceImpl } from './clients/clients.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CredentialService } from './credentials/credential-service.js';
import type { Db } from './db/db.js';
import type { DocumentService } from './documents/document-service.js';
import type { ValidationService } from './documents/validation-service.js';
import type { KeyVault } from './keys/key-vault.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import type { TrustServices } from './pki/pki-service.js';
import type { ActivationService } from './registry/activation.js';
import type { PersonRegistry } from './registry/registry.js';
import type { SessionServiceImpl } from './sessions/sessions.js';
import type { VerifierService } from './verifiers/verifier-service.js';
import type { PushService } from './wallet/push-service.js';
import type { WebSessionService } from './web-login/web-sessions.js';

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
  /** Signature validation (F17) and its trust list. */
  validation: ValidationService;
  /** Document signing for relying parties (F16). */
  documents: DocumentService;
  /** Call-centre declarations confirmed on the phone (F19). */
  declarations: DeclarationService;
  /** Persons, devices, activation codes (implements registry/registry-service.ts). */
  registry: PersonRegistry;
  /** Device activation and the device lifecycle (suspend, resume, revoke). */
  activation: ActivationService;
  /** Staff of the admin API and their tokens. */
  staff: StaffService;
  /** Rate limits kept in the database (all nodes see the same counts). */
  rateLimiter: RateLimiter;
  clients: ClientServiceImpl;
  /** Mobile ID sessions: auth, certificate choice, signature (implements sessions/session-service.ts). */
  sessions: SessionServiceImpl;
  /** Server-side sessions of the platform's own web apps (consoles, portals; web-login/). */
  webSessions: WebSessionService;
  /** The digital ID card: SD-JWT VC issuance and its token status list (F20). */
  credentials: CredentialService;
  /** The verifier registry: roles, organisations, verifier devices (F21). */
  verifiers: VerifierService;
  /** Web Push to the wallet (VAPID): wakes a device when a request for it starts. */
  push: PushService;
}

export type AppContext = Infrastructure & Services;
