import { isE164Phone, isNationalId } from '@openmid/protocol';
import type { Declaration } from '../callcentre/declaration-service.js';
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import type { App } from '../http/types.js';
import { bodyLimitFor, decodeDocumentBase64 } from '../rp-api/document-schemas.js';
import type { SessionSubject } from '../sessions/session-service.js';
import {
  DeclarationListQuery,
  DeclarationParams,
  DeclarationWaitQuery,
  NewDeclarationBody,
} from './admin-schemas.js';
import { requireStaff, staffOf } from './staff-auth.js';

/** Characters that would hide or reorder what the phone and the PDF show. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const LINE_BREAKS = /[\n\r\t]/;

function checkText(name: string, value: string | undefined, multiline: boolean): void {
  if (value === undefined) return;
  if (HIDDEN.test(value) || (!multiline && LINE_BREAKS.test(value))) {
    throw badRequest(
      `${name} contains control or bidirectional-override characters${multiline ? '' : ' or line breaks'}`,
    );
  }
  if (value.trim() === '') throw badRequest(`${name} is blank`);
}

export function declarationJson(d: Declaration) {
  return {
    declarationId: d.declarationId,
    status: d.status,
    ...(d.endResult ? { endResult: d.endResult } : {}),
    ...(d.verificationCode ? { verificationCode: d.verificationCode } : {}),
    title: d.title,
    source: d.source,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    ...(d.completedAt ? { completedAt: d.completedAt.toISOString() } : {}),
  };
}

/**
 * Call-centre declarations (SPEC F19; docs/admin-api.md): an agent sends a declaration to a
 * person's phone for PIN2 confirmation, follows its state and downloads the signed PDF. Only
 * call-centre agents (their own declarations) and operators (all) may; everyone else gets 403.
 * The role is checked on the request's arrival (onRequest), before a body of up to
 * DOCUMENT_MAX_BYTES is read or validated: an outsider learns nothing from a 400.
 */
export async function registerDeclarationRoutes(app: App, ctx: AppContext): Promise<void> {
  const agents = requireStaff(ctx, 'operator', 'call_centre');
  const viewerOf = (request: Parameters<typeof staffOf>[0]) => staffOf(request);

  app.post(
    '/admin/v1/declarations',
    {
      schema: { body: NewDeclarationBody },
      onRequest: agents,
      bodyLimit: bodyLimitFor(ctx.config.documentMaxBytes),
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.nationalId === undefined) === (body.phone === undefined)) {
        throw badRequest('give exactly one of nationalId and phone');
      }
      if (body.nationalId !== undefined && !isNationalId(body.nationalId)) {
        throw new AppError('invalid_national_id', 'nationalId must be like PNOAZ-1234567');
      }
      if (body.phone !== undefined && !isE164Phone(body.phone)) {
        throw badRequest('phone must be an E.164 number, e.g. +994501234567');
      }
      if ((body.text === undefined) === (body.pdf === undefined)) {
        throw badRequest('give exactly one of text and pdf');
      }
      checkText('title', body.title, false);
      checkText('summary', body.summary, false);
      checkText('text', body.text, true);
      const subject: SessionSubject =
        body.nationalId !== undefined
          ? { nationalId: body.nationalId }
          : { phone: body.phone ?? '' };
      const declaration = await ctx.declarations.create(ctx.db, viewerOf(request), {
        subject,
        title: body.title,
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.pdf !== undefined ? { pdf: decodeDocumentBase64(body.pdf, 'pdf') } : {}),
        ...(body.summary !== undefined ? { summary: body.summary } : {}),
      });
      reply.code(201).header('location', `/admin/v1/declarations/${declaration.declarationId}`);
      return declarationJson(declaration);
    },
  );

  app.get(
    '/admin/v1/declarations',
    { schema: { querystring: DeclarationListQuery }, onRequest: agents },
    async (request) => {
      const { status, before } = request.query;
      const limit = Number(request.query.limit ?? '50');
      if (limit < 1 || limit > 100) throw badRequest('limit must be between 1 and 100');
      const beforeDate = before !== undefined ? new Date(before) : undefined;
      if (beforeDate && Number.isNaN(beforeDate.getTime())) {
        throw badRequest('before must be an ISO 8601 time');
      }
      const list = await ctx.declarations.list(ctx.db, viewerOf(request), {
        ...(status ? { status } : {}),
        ...(beforeDate ? { before: beforeDate } : {}),
        limit,
      });
      return { declarations: list.map(declarationJson) };
    },
  );

  app.get(
    '/admin/v1/declarations/:declarationId',
    {
      schema: { params: DeclarationParams, querystring: DeclarationWaitQuery },
      onRequest: agents,
    },
    async (request) => {
      const timeoutMs = Number(request.query.timeoutMs ?? '0');
      if (timeoutMs > 30_000) throw badRequest('timeoutMs must be at most 30000');
      const declaration = await ctx.declarations.get(
        ctx.db,
        viewerOf(request),
        request.params.declarationId.toLowerCase(),
        { timeoutMs, signal: ctx.shutdownSignal },
      );
      return declarationJson(declaration);
    },
  );

  app.get(
    '/admin/v1/declarations/:declarationId/document',
    { schema: { params: DeclarationParams }, onRequest: agents },
    async (request, reply) => {
      const id = request.params.declarationId.toLowerCase();
      const { pdf } = await ctx.declarations.download(ctx.db, viewerOf(request), id);
      reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="declaration-${id}.pdf"`)
        .header('cache-control', 'no-store');
      return Buffer.from(pdf);
    },
  );
}
