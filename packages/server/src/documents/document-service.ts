import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { PkiService } from '../pki/pki-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type {
  SessionOutcome,
  SessionService,
  SessionSubject,
  SessionView,
  StartedSession,
  StartSessionRequest,
} from '../sessions/session-service.js';
import {
  type DocumentRow,
  deleteExpired,
  findBySession,
  finishDocument,
  insertDocument,
} from './document-store.js';
import type { ByteRange } from './pades.js';
import { DocumentError, loadPdf } from './pdf-document.js';
import type { PdfFonts } from './pdf-fonts.js';
import {
  completeSignature,
  type PreparedSignature,
  prepareSignature,
  type SignatureFormat,
  type SignatureLevel,
} from './signature-builder.js';
import type { VisibleSignature } from './visible-signature.js';

/**
 * Document signing for relying parties (F16): stores the prepared document,
 * starts a 'sign' session for the digest of the signed attributes, and assembles the signed
 * document when the session completes OK. Knows nothing of HTTP.
 */
export interface SignDocumentRequest {
  clientId: string;
  actor: string;
  subject: SessionSubject;
  document: Uint8Array;
  documentName: string;
  format: SignatureFormat;
  level: SignatureLevel;
  displayText?: string;
  /** Keep the document past the retention period (the RP deletes it itself). */
  keep?: boolean;
  reason?: string;
  visible?: VisibleSignature;
  /** Idempotency-Key (SPEC §4.3): a repeat within the window returns the same session. */
  idempotency?: { key: string; requestHash: Uint8Array };
}

export interface DocumentService {
  startSigning(db: Db, request: SignDocumentRequest): Promise<StartedSession>;
  /**
   * The signed document of a completed document session (assembled on first call, then stored);
   * undefined when the session is not a document session, did not end OK, or assembly failed.
   */
  completedDocument(db: Db, view: SessionView): Promise<Uint8Array | undefined>;
  /** Delete documents past their retention; returns how many. */
  purgeExpired(db: Db): Promise<number>;
}

export interface DocumentServiceDeps {
  clock: Clock;
  audit: AuditService;
  sessions: Pick<SessionService, 'start'> & {
    startWith?(
      db: Db,
      request: StartSessionRequest,
      options: { idempotency?: { key: string; requestHash: Uint8Array } },
    ): Promise<StartedSession>;
  };
  registry: Pick<
    RegistryService,
    'findPersonByNationalId' | 'findPersonByPhone' | 'findActiveDevice'
  >;
  pki: Pick<PkiService, 'findCertificate' | 'timestamp' | 'ocspResponseFor' | 'caCertificates'>;
  maxBytes: number;
  retentionSeconds: number;
  /** Fonts for visible signatures (default: the shipped font only). */
  fonts?: PdfFonts;
}

const DISPLAY_TEXT_MAX = 200;

function documentError(err: unknown): never {
  if (err instanceof DocumentError) throw new AppError('invalid_document', err.message);
  throw err;
}

async function summaryOf(request: SignDocumentRequest): Promise<string> {
  const kb = Math.max(1, Math.round(request.document.length / 1024));
  if (request.format === 'PAdES') {
    const pages = (await loadPdf(request.document)).getPageCount();
    return `PDF, ${pages} page${pages === 1 ? '' : 's'}, ${kb} kB`;
  }
  return `file, ${kb} kB`;
}

export function createDocumentService(deps: DocumentServiceDeps): DocumentService {
  const trust = {
    timestamp: (digest: Uint8Array) => deps.pki.timestamp(digest, 'SHA-256'),
    ocspResponseFor: (serialHex: string) => deps.pki.ocspResponseFor(serialHex),
    caCertificates: () => deps.pki.caCertificates(),
  };

  /** The person's current signing certificate, or undefined (the session will report it). */
  async function signingCertificate(db: Db, subject: SessionSubject) {
    const person =
      'nationalId' in subject
        ? await deps.registry.findPersonByNationalId(db, subject.nationalId)
        : await deps.registry.findPersonByPhone(db, subject.phone);
    if (!person) return undefined;
    const device = await deps.registry.findActiveDevice(db, person.id);
    if (!device?.signCertSerial) return undefined;
    const cert = await deps.pki.findCertificate(db, device.signCertSerial);
    return cert ? { der: cert.der, personId: person.id } : undefined;
  }

  function preparedOf(row: DocumentRow): PreparedSignature | undefined {
    if (!row.signer_certificate) return undefined;
    return {
      format: row.format as SignatureFormat,
      level: row.level as SignatureLevel,
      signerCertificate: new Uint8Array(row.signer_certificate),
      signedAttributes: new Uint8Array(row.signed_attributes),
      digestToSign: new Uint8Array(),
      ...(row.prepared ? { preparedPdf: new Uint8Array(row.prepared) } : {}),
      ...(row.byte_range ? { byteRange: JSON.parse(row.byte_range) as ByteRange } : {}),
    };
  }

  async function fail(db: Db, row: DocumentRow, reason: string, outcome: SessionOutcome) {
    await db.transaction().execute(async (trx) => {
      if (
        await finishDocument(trx, row.id, { status: 'failed', error: reason, at: deps.clock.now() })
      ) {
        await deps.audit.append(trx, {
          type: 'document.signing_failed',
          actor: 'system',
          personId: outcome.personId,
          clientId: row.client_id,
          data: { documentId: row.id, sessionId: row.session_id, reason },
        });
      }
    });
  }

  return {
    async startSigning(db, request) {
      if (request.document.length > deps.maxBytes) {
        throw new AppError(
          'payload_too_large',
          `the document is larger than ${deps.maxBytes} bytes (DOCUMENT_MAX_BYTES)`,
        );
      }
      if (request.format === 'CAdES' && request.visible) {
        throw new AppError('invalid_request', 'a visible signature needs format PAdES');
      }
      const summary = await summaryOf(request).catch(documentError);
      const signer = await signingCertificate(db, request.subject);
      const now = deps.clock.now();
      let prepared: PreparedSignature;
      if (signer) {
        prepared = await prepareSignature({
          format: request.format,
          level: request.level,
          document: request.document,
          signerCertificate: signer.der,
          signingTime: now,
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.visible ? { visible: request.visible } : {}),
          ...(deps.fonts ? { fonts: deps.fonts } : {}),
        }).catch(documentError);
      } else {
        // Nobody to sign: the session reports NOT_FOUND_OR_INACTIVE like any other; the digest is
        // random so that nothing can ever complete this document.
        const nonce = new Uint8Array(randomBytes(32));
        prepared = {
          format: request.format,
          level: request.level,
          signerCertificate: new Uint8Array(),
          signedAttributes: nonce,
          digestToSign: new Uint8Array(createHash('sha256').update(nonce).digest()),
        };
      }
      const text = `${request.documentName} — ${request.displayText ?? summary}`;
      const sessionRequest: StartSessionRequest = {
        clientId: request.clientId,
        kind: 'sign',
        subject: request.subject,
        hash: prepared.digestToSign,
        hashType: 'SHA256',
        displayText:
          text.length > DISPLAY_TEXT_MAX ? `${text.slice(0, DISPLAY_TEXT_MAX - 1)}…` : text,
        origin: 'document',
        actor: request.actor,
      };
      const started =
        request.idempotency && deps.sessions.startWith
          ? await deps.sessions.startWith(db, sessionRequest, { idempotency: request.idempotency })
          : await deps.sessions.start(db, sessionRequest);
      // A repeated request (same Idempotency-Key) got the first session back: keep its document.
      if (await findBySession(db, request.clientId, started.sessionId)) return started;
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await insertDocument(trx, {
          id,
          client_id: request.clientId,
          session_id: started.sessionId,
          name: request.documentName,
          format: request.format,
          level: request.level,
          status: 'pending',
          size_bytes: request.document.length,
          prepared: prepared.preparedPdf ? Buffer.from(prepared.preparedPdf) : null,
          byte_range: prepared.byteRange ? JSON.stringify(prepared.byteRange) : null,
          signed_attributes: Buffer.from(prepared.signedAttributes),
          signer_certificate: signer ? Buffer.from(signer.der) : null,
          signed_document: null,
          error: null,
          completed_at: null,
          expires_at: request.keep ? null : new Date(now.getTime() + deps.retentionSeconds * 1000),
        });
        await deps.audit.append(trx, {
          type: 'document.signature_requested',
          actor: request.actor,
          personId: signer?.personId,
          clientId: request.clientId,
          data: {
            documentId: id,
            sessionId: started.sessionId,
            format: request.format,
            level: request.level,
            sha256: createHash('sha256').update(request.document).digest('hex'),
          },
        });
      });
      return started;
    },

    async completedDocument(db, view) {
      if (view.origin !== 'document' || view.state !== 'COMPLETE' || !view.outcome)
        return undefined;
      const row = await findBySession(db, view.clientId, view.sessionId);
      if (!row) return undefined;
      if (row.signed_document) return new Uint8Array(row.signed_document);
      if (row.status !== 'pending') return undefined;
      const outcome = view.outcome;
      if (outcome.endResult !== 'OK') {
        await fail(db, row, `session ended ${outcome.endResult}`, outcome);
        return undefined;
      }
      const prepared = preparedOf(row);
      const signature = outcome.signature?.value;
      if (
        !prepared ||
        !signature ||
        !outcome.certificate ||
        !Buffer.from(outcome.certificate).equals(Buffer.from(prepared.signerCertificate))
      ) {
        await fail(
          db,
          row,
          'the phone answered with another certificate than the one prepared',
          outcome,
        );
        return undefined;
      }
      let signed: Uint8Array;
      try {
        signed = await completeSignature(prepared, signature, trust);
      } catch (err) {
        if (!(err instanceof DocumentError)) throw err;
        await fail(db, row, err.message, outcome);
        return undefined;
      }
      await db.transaction().execute(async (trx) => {
        const first = await finishDocument(trx, row.id, {
          status: 'signed',
          signedDocument: Buffer.from(signed),
          at: deps.clock.now(),
        });
        if (first) {
          await deps.audit.append(trx, {
            type: 'document.signed',
            actor: 'system',
            personId: outcome.personId,
            clientId: row.client_id,
            data: {
              documentId: row.id,
              sessionId: row.session_id,
              format: row.format,
              level: row.level,
              sha256: createHash('sha256').update(signed).digest('hex'),
            },
          });
        }
      });
      // Another node may have finished first: what is stored is the answer.
      const stored = await findBySession(db, view.clientId, view.sessionId);
      return stored?.signed_document ? new Uint8Array(stored.signed_document) : undefined;
    },

    async purgeExpired(db) {
      return deleteExpired(db, deps.clock.now());
    },
  };
}
