import { createStaffService } from './admin/staff-service.js';
import { createAuditService } from './audit/audit-service.js';
import { createDeclarationService } from './callcentre/declaration-service.js';
import { createClientService } from './clients/clients.js';
import type { Infrastructure, Services } from './context.js';
import { createCredentialService } from './credentials/credential-service.js';
import { createDocumentService } from './documents/document-service.js';
import { createPdfFonts } from './documents/pdf-fonts.js';
import { createValidationService } from './documents/validation-service.js';
import { createRateLimiter } from './limits/rate-limiter.js';
import { createPkiService } from './pki/pki.js';
import { createActivationService } from './registry/activation.js';
import { createRegistry } from './registry/registry.js';
import { createSessionService } from './sessions/sessions.js';
import { createVerifierService } from './verifiers/verifier-service.js';
import { createPushService } from './wallet/push-service.js';
import { createWebSessionService } from './web-login/web-sessions.js';

/**
 * Build the domain services in dependency order. Start-up work that must happen before the
 * node serves (creating the CA on first start, for one) happens here.
 */
export async function createServices(infra: Infrastructure): Promise<Services> {
  const audit = createAuditService({ db: infra.db, clock: infra.clock, vault: infra.vault });
  // Create the log key on first start; fails here when it does not open under this master key.
  await audit.publicKey();
  // Create the CA on first start (under an advisory lock, so two nodes make exactly one).
  const pki = await createPkiService({ ...infra, audit });
  const rateLimiter = createRateLimiter(infra.clock);
  const clients = createClientService({ vault: infra.vault, audit });
  const registry = createRegistry({
    vault: infra.vault,
    clock: infra.clock,
    audit,
    activationCodeTtlSeconds: infra.config.registry.activationCodeTtlSeconds,
  });
  const staff = createStaffService({
    db: infra.db,
    vault: infra.vault,
    audit,
    rateLimiter,
    registry,
    adminToken: infra.config.adminToken,
    maxFailuresPerSource: infra.config.admin.maxTokenFailuresPerSource,
    failureWindowSeconds: 15 * 60,
  });
  // The bootstrap operator (SPEC §4.5): from ADMIN_TOKEN, or generated once and printed by main.ts.
  await staff.ensureBootstrapOperator();
  const activation = createActivationService({
    vault: infra.vault,
    clock: infra.clock,
    audit,
    pki,
    registry,
    rateLimiter,
    maxAttemptsPerCode: infra.config.registry.activationMaxAttemptsPerCode,
    maxFailuresPerSource: infra.config.registry.activationMaxFailuresPerSource,
  });
  const push = createPushService({
    db: infra.db,
    vault: infra.vault,
    subject: infra.config.push.subject,
    allowPrivateEndpoints: infra.config.push.allowPrivateEndpoints,
    ttlSeconds: infra.config.sessions.timeoutSeconds,
  });
  const sessions = createSessionService({
    db: infra.db,
    clock: infra.clock,
    bus: infra.bus,
    vault: infra.vault,
    config: infra.config,
    metrics: infra.metrics,
    audit,
    clients,
    registry,
    pki,
    rateLimiter,
    push,
  });
  const validation = createValidationService({
    clock: infra.clock,
    audit,
    pki,
    maxBytes: infra.config.documentMaxBytes,
  });
  const fonts = createPdfFonts(infra.config.pdfFallbackFonts);
  const documents = createDocumentService({
    clock: infra.clock,
    audit,
    sessions,
    registry,
    pki,
    maxBytes: infra.config.documentMaxBytes,
    retentionSeconds: infra.config.documentRetentionSeconds,
    fonts,
  });
  const declarations = createDeclarationService({
    clock: infra.clock,
    audit,
    clients,
    sessions,
    documents,
    registry,
    fonts,
  });
  // The ID card follows the device certificates: it registers a status listener on pki here.
  const credentials = createCredentialService({
    publicUrl: infra.config.publicUrl,
    validityDays: infra.config.credentials.validityDays,
    statusListValiditySeconds: infra.config.credentials.statusListValiditySeconds,
    vault: infra.vault,
    clock: infra.clock,
    db: infra.db,
    audit,
    pki,
    registry,
  });
  const verifiers = createVerifierService({
    vault: infra.vault,
    clock: infra.clock,
    audit,
    pki,
    rateLimiter,
    enrolmentCodeTtlSeconds: infra.config.credentials.enrolmentCodeTtlSeconds,
    maxFailuresPerSource: infra.config.registry.activationMaxFailuresPerSource,
  });
  const webSessions = createWebSessionService({
    vault: infra.vault,
    clock: infra.clock,
    idleSeconds: infra.config.webSessions.idleSeconds,
    maxSeconds: infra.config.webSessions.maxSeconds,
  });
  return {
    webSessions,
    credentials,
    verifiers,
    audit,
    pki,
    rateLimiter,
    clients,
    registry,
    activation,
    staff,
    validation,
    sessions,
    documents,
    declarations,
    push,
  };
}
