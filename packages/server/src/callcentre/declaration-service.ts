import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuditService } from '../audit/audit-service.js';
import type { ClientServiceImpl } from '../clients/clients.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { DocumentService } from '../documents/document-service.js';
import type { PdfFonts } from '../documents/pdf-fonts.js';
import { renderTextPdf } from '../documents/text-pdf.js';
import { AppError } from '../errors.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { SessionService, SessionSubject, SessionView } from '../sessions/session-service.js';
import {
  type DeclarationRow,
  findDeclaration,
  finishDeclaration,
  insertDeclaration,
  listDeclarations,
} from './declaration-store.js';
import type { DeclarationStatus } from './declaration-tables.js';

/**
 * Call-centre confirmation (SPEC F19): an agent prepares a declaration (text, rendered into a PDF,
 * or a PDF) for a named person; the platform sends it to the person's phone as a PAdES B-LT
 * signature request whose relying party is the call centre; the person confirms with PIN2; the
 * signed PDF is kept (documents/, never purged) and can be downloaded. Every step is in the audit
 * log with the person's id, so it is in the citizen's usage log too (F22). Knows nothing of HTTP.
 */
export const CALL_CENTRE_CLIENT_ID = 'call-centre';
export const CALL_CENTRE_CLIENT_NAME = 'Call centre';
const SUMMARY_MAX = 120;

export interface StaffViewer {
  id: string;
  role: string;
  actor: string;
}

export interface NewDeclaration {
  subject: SessionSubject;
  title: string;
  /** Exactly one of text and pdf. */
  text?: string;
  pdf?: Uint8Array;
  /** What the phone shows after the title; default: the start of the text (or the PDF's size). */
  summary?: string;
}

export interface Declaration {
  declarationId: string;
  status: DeclarationStatus;
  /** The session's end result once it ended (OK, USER_REFUSED, TIMEOUT, …). */
  endResult?: string;
  /** The code the phone shows: the agent reads it to the caller to compare. */
  verificationCode?: string;
  title: string;
  source: 'text' | 'pdf';
  createdBy: string;
  createdAt: Date;
  completedAt?: Date;
}

export interface DeclarationService {
  create(db: Db, viewer: StaffViewer, input: NewDeclaration): Promise<Declaration>;
  /** The declaration, its outcome recorded once the phone answered; waits up to timeoutMs. */
  get(
    db: Db,
    viewer: StaffViewer,
    id: string,
    wait?: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<Declaration>;
  list(
    db: Db,
    viewer: StaffViewer,
    options: { status?: DeclarationStatus; before?: Date; limit: number },
  ): Promise<Declaration[]>;
  /** The signed PDF (audited as a download); 409 invalid_state unless the declaration is signed. */
  download(db: Db, viewer: StaffViewer, id: string): Promise<{ title: string; pdf: Uint8Array }>;
}

export interface DeclarationServiceDeps {
  clock: Clock;
  audit: AuditService;
  clients: Pick<ClientServiceImpl, 'get' | 'ensure'>;
  sessions: Pick<SessionService, 'get' | 'waitForCompletion'>;
  documents: Pick<DocumentService, 'startSigning' | 'completedDocument'>;
  registry: Pick<RegistryService, 'findPersonByNationalId' | 'findPersonByPhone'>;
  fonts: PdfFonts;
}

function toDeclaration(row: DeclarationRow): Declaration {
  return {
    declarationId: row.id,
    status: row.status,
    ...(row.end_result ? { endResult: row.end_result } : {}),
    ...(row.verification_code ? { verificationCode: row.verification_code } : {}),
    title: row.title,
    source: row.source,
    createdBy: row.created_by,
    createdAt: row.created_at,
    ...(row.completed_at ? { completedAt: row.completed_at } : {}),
  };
}

function summaryOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_MAX ? `${flat.slice(0, SUMMARY_MAX - 1)}…` : flat;
}

const formatTime = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** An operator sees every declaration; an agent only their own (others are 404, not 403). */
const visibleTo = (viewer: StaffViewer, row: DeclarationRow | undefined) =>
  row !== undefined && (viewer.role === 'operator' || row.created_by === viewer.id);

export function createDeclarationService(deps: DeclarationServiceDeps): DeclarationService {
  let client: Promise<void> | undefined;

  /**
   * The call centre as a relying party: a built-in client without grants whose secret is random
   * and never shown, so it cannot be used from outside; its name is what the phone shows.
   */
  function ensureClient(db: Db): Promise<void> {
    client ??= (async () => {
      if (await deps.clients.get(db, CALL_CENTRE_CLIENT_ID)) return;
      try {
        await deps.clients.ensure(
          db,
          CALL_CENTRE_CLIENT_ID,
          { client_name: CALL_CENTRE_CLIENT_NAME, environment: 'production', grant_types: [] },
          'system:call-centre',
          randomBytes(32).toString('base64url'),
        );
      } catch (error) {
        // Another node made it at the same moment.
        if (!(await deps.clients.get(db, CALL_CENTRE_CLIENT_ID))) throw error;
      }
    })();
    client.catch(() => {
      client = undefined;
    });
    return client;
  }

  async function personIdOf(db: Db, subject: SessionSubject): Promise<string | undefined> {
    const person =
      'nationalId' in subject
        ? await deps.registry.findPersonByNationalId(db, subject.nationalId)
        : await deps.registry.findPersonByPhone(db, subject.phone);
    return person?.id;
  }

  /** Record the outcome of an ended session once (audited); returns the current row. */
  async function settle(db: Db, row: DeclarationRow, view: SessionView): Promise<DeclarationRow> {
    if (row.status !== 'pending' || view.state !== 'COMPLETE' || !view.outcome) return row;
    const endResult = view.outcome.endResult;
    let status: Exclude<DeclarationStatus, 'pending'> =
      endResult === 'OK' ? 'signed' : endResult === 'USER_REFUSED' ? 'refused' : 'failed';
    let sha256: string | undefined;
    if (status === 'signed') {
      const pdf = await deps.documents.completedDocument(db, view);
      if (pdf) sha256 = createHash('sha256').update(pdf).digest('hex');
      else status = 'failed';
    }
    const personId = view.outcome.personId ?? row.person_id ?? undefined;
    await db.transaction().execute(async (trx) => {
      const first = await finishDeclaration(trx, row.id, {
        status,
        endResult,
        at: view.outcome?.completedAt ?? deps.clock.now(),
      });
      if (!first) return;
      await deps.audit.append(trx, {
        type:
          status === 'signed'
            ? 'declaration.confirmed'
            : status === 'refused'
              ? 'declaration.refused'
              : 'declaration.failed',
        actor: 'system',
        personId,
        clientId: CALL_CENTRE_CLIENT_ID,
        data: {
          declarationId: row.id,
          sessionId: row.session_id,
          endResult,
          ...(sha256 ? { sha256 } : {}),
        },
      });
    });
    return (await findDeclaration(db, row.id)) ?? row;
  }

  async function refresh(db: Db, row: DeclarationRow): Promise<DeclarationRow> {
    if (row.status !== 'pending') return row;
    const view = await deps.sessions.get(db, CALL_CENTRE_CLIENT_ID, row.session_id);
    return view ? settle(db, row, view) : row;
  }

  async function visible(db: Db, viewer: StaffViewer, id: string): Promise<DeclarationRow> {
    const row = await findDeclaration(db, id);
    if (!row || !visibleTo(viewer, row)) {
      throw new AppError('not_found', 'no such declaration');
    }
    return row;
  }

  return {
    async create(db, viewer, input) {
      if ((input.text === undefined) === (input.pdf === undefined)) {
        throw new AppError('invalid_request', 'give exactly one of text and pdf');
      }
      await ensureClient(db);
      const id = randomUUID();
      const now = deps.clock.now();
      let document: Uint8Array;
      let visibleSignature: Awaited<ReturnType<typeof renderTextPdf>>['signatureBox'] | undefined;
      if (input.text !== undefined) {
        const rendered = await renderTextPdf(
          {
            title: input.title,
            text: input.text,
            footer: `${CALL_CENTRE_CLIENT_NAME} · ${id} · ${formatTime(now)}`,
          },
          deps.fonts,
          { creator: CALL_CENTRE_CLIENT_NAME, date: now },
        );
        document = rendered.pdf;
        visibleSignature = rendered.signatureBox;
      } else document = input.pdf as Uint8Array;
      const summary =
        input.summary ?? (input.text !== undefined ? summaryOf(input.text) : undefined);
      const started = await deps.documents.startSigning(db, {
        clientId: CALL_CENTRE_CLIENT_ID,
        actor: viewer.actor,
        subject: input.subject,
        document,
        documentName: input.title,
        format: 'PAdES',
        level: 'B-LT',
        keep: true,
        reason: `Confirmed on a call with the ${CALL_CENTRE_CLIENT_NAME.toLowerCase()}`,
        ...(summary ? { displayText: summary } : {}),
        ...(visibleSignature ? { visible: visibleSignature } : {}),
      });
      const personId = await personIdOf(db, input.subject);
      const row: DeclarationRow = {
        id,
        session_id: started.sessionId,
        person_id: personId ?? null,
        title: input.title,
        source: input.text !== undefined ? 'text' : 'pdf',
        status: 'pending',
        end_result: null,
        verification_code: started.verificationCode ?? null,
        created_by: viewer.id,
        created_at: now,
        completed_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await insertDeclaration(trx, row);
        await deps.audit.append(trx, {
          type: 'declaration.created',
          actor: viewer.actor,
          personId,
          clientId: CALL_CENTRE_CLIENT_ID,
          data: {
            declarationId: id,
            sessionId: started.sessionId,
            source: row.source,
            sha256: createHash('sha256').update(document).digest('hex'),
          },
        });
      });
      // The session may have ended at once (nobody to ask, certificate revoked).
      return toDeclaration(await refresh(db, row));
    },

    async get(db, viewer, id, wait) {
      const row = await visible(db, viewer, id);
      if (row.status === 'pending' && wait && wait.timeoutMs > 0) {
        const view = await deps.sessions.waitForCompletion(
          CALL_CENTRE_CLIENT_ID,
          row.session_id,
          wait.timeoutMs,
          wait.signal,
        );
        if (view) return toDeclaration(await settle(db, row, view));
      }
      return toDeclaration(await refresh(db, row));
    },

    async list(db, viewer, options) {
      const rows = await listDeclarations(db, {
        ...options,
        ...(viewer.role === 'operator' ? {} : { createdBy: viewer.id }),
      });
      const fresh: Declaration[] = [];
      for (const row of rows) fresh.push(toDeclaration(await refresh(db, row)));
      return fresh;
    },

    async download(db, viewer, id) {
      const row = await refresh(db, await visible(db, viewer, id));
      const view =
        row.status === 'signed'
          ? await deps.sessions.get(db, CALL_CENTRE_CLIENT_ID, row.session_id)
          : undefined;
      const pdf = view ? await deps.documents.completedDocument(db, view) : undefined;
      if (!pdf) {
        throw new AppError('invalid_state', `the declaration is ${row.status}, not signed`);
      }
      await deps.audit.append(db, {
        type: 'declaration.downloaded',
        actor: viewer.actor,
        personId: row.person_id ?? undefined,
        clientId: CALL_CENTRE_CLIENT_ID,
        data: { declarationId: row.id },
      });
      return { title: row.title, pdf };
    },
  };
}
