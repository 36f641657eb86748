import { createAuditService } from './audit/audit-service.js';
import type { Infrastructure, Services } from './context.js';
import { createPkiService } from './pki/pki.js';

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
  return { audit, pki };
}
