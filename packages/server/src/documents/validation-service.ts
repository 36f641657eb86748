import { createHash, X509Certificate } from 'node:crypto';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { PkiService } from '../pki/pki-service.js';
import { deleteTrustAnchor, insertTrustAnchor, listTrustAnchors } from './document-store.js';
import { DocumentError } from './pdf-document.js';
import { type ValidationReport, validateDocument } from './validation.js';

/**
 * Signature validation (F17) and its trust list: our root and issuing CA plus the CAs an operator
 * adds (another country's, so that cross-border signatures validate). Knows nothing of HTTP.
 */
export interface TrustAnchorView {
  fingerprint: string;
  subject: string;
  certificate: Uint8Array;
  addedAt: Date;
}

export interface ValidationService {
  validate(
    db: Db,
    document: Uint8Array,
    detachedContent: Uint8Array | undefined,
  ): Promise<ValidationReport>;
  listTrustAnchors(db: Db): Promise<TrustAnchorView[]>;
  addTrustAnchor(db: Db, certificate: Uint8Array, actor: string): Promise<TrustAnchorView>;
  removeTrustAnchor(db: Db, fingerprint: string, actor: string): Promise<void>;
}

export interface ValidationServiceDeps {
  clock: Clock;
  audit: AuditService;
  pki: Pick<PkiService, 'ocspResponseFor' | 'caCertificates'>;
  maxBytes: number;
}

const fingerprintOf = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

function documentError(err: unknown): never {
  if (err instanceof DocumentError) throw new AppError('invalid_document', err.message);
  throw err;
}

export function createValidationService(deps: ValidationServiceDeps): ValidationService {
  async function anchors(db: Db): Promise<Uint8Array[]> {
    const ours = deps.pki.caCertificates();
    const added = await listTrustAnchors(db);
    return [ours.root, ours.issuing, ...added.map((a) => new Uint8Array(a.certificate))];
  }

  return {
    async validate(db, document, detachedContent) {
      if (document.length > deps.maxBytes || (detachedContent?.length ?? 0) > deps.maxBytes) {
        throw new AppError(
          'payload_too_large',
          `documents larger than ${deps.maxBytes} bytes are not validated (DOCUMENT_MAX_BYTES)`,
        );
      }
      const ours = new X509Certificate(deps.pki.caCertificates().issuing);
      return validateDocument(document, detachedContent, {
        trustAnchors: await anchors(db),
        now: deps.clock.now(),
        freshOcsp: async (der) => {
          const cert = new X509Certificate(der);
          if (!cert.checkIssued(ours) || !cert.verify(ours.publicKey)) return undefined;
          return deps.pki.ocspResponseFor(cert.serialNumber.toLowerCase());
        },
      }).catch(documentError);
    },

    async listTrustAnchors(db) {
      return (await listTrustAnchors(db)).map((a) => ({
        fingerprint: a.fingerprint,
        subject: a.subject,
        certificate: new Uint8Array(a.certificate),
        addedAt: a.created_at,
      }));
    },

    async addTrustAnchor(db, certificate, actor) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(certificate);
      } catch (err) {
        throw new AppError(
          'invalid_request',
          'the certificate is not a DER or PEM X.509 certificate',
          {
            cause: err,
          },
        );
      }
      if (!cert.ca)
        throw new AppError('invalid_request', 'only CA certificates can be trust anchors');
      const der = new Uint8Array(cert.raw);
      const fingerprint = fingerprintOf(der);
      const subject = cert.subject.replace(/\n/g, ', ');
      await db.transaction().execute(async (trx) => {
        if (
          await insertTrustAnchor(trx, {
            fingerprint,
            subject,
            certificate: Buffer.from(der),
            added_by: actor,
          })
        ) {
          await deps.audit.append(trx, {
            type: 'trust_list.added',
            actor,
            data: { fingerprint, subject },
          });
        }
      });
      return { fingerprint, subject, certificate: der, addedAt: deps.clock.now() };
    },

    async removeTrustAnchor(db, fingerprint, actor) {
      await db.transaction().execute(async (trx) => {
        if (!(await deleteTrustAnchor(trx, fingerprint))) {
          throw new AppError('not_found', 'no such trust anchor');
        }
        await deps.audit.append(trx, { type: 'trust_list.removed', actor, data: { fingerprint } });
      });
    },
  };
}
