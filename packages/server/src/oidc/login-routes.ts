import { randomBytes } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { isE164Phone, isNationalId, qrPayload } from '@openmid/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import type { SessionSubject, SessionView } from '../sessions/session-service.js';
import { assuranceOf } from './assurance.js';
import { createGrant } from './grant.js';
import { escapeHtml, PAGE_CSP, page } from './html.js';
import { LOGIN_CSS, LOGIN_JS } from './login-assets.js';
import { MESSAGES, pickLocale } from './login-messages.js';
import { renderLoginPage } from './login-page.js';
import { claimsParameterNames, claimsToAsk } from './oidc-claims.js';
import type { OidcDeps } from './oidc-deps.js';
import {
  claimMidSessionResolution,
  findMidSession,
  insertMidSession,
  type MidSessionRow,
} from './oidc-store.js';
import { INTERACTION_PATH, type OidcProvider } from './provider.js';
import { ASSETS_PATH } from './provider-pages.js';

/** How long one status poll waits for the phone (the QR flow returns every second, new frame). */
const STATUS_WAIT_MS = 20_000;
const QR_FRAME_MS = 1_000;

type Details = Awaited<ReturnType<OidcProvider['provider']['interactionDetails']>>;

const ref = (uid: string) => `interaction:${uid}`;
const qrLabel = (uid: string) => `oidc-qr-secret:${uid}`;

function parseClaimsParam(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The log-in interaction (F12): the page, its start / status / finish endpoints and assets. The
 * browser is bound to its interaction by oidc-provider's interaction cookie; consent is given on
 * the phone and only the approved claims are granted.
 */
export function registerLoginRoutes(app: App, deps: OidcDeps, current: () => OidcProvider): void {
  const pathPrefix = new URL(deps.config.publicUrl).pathname.replace(/\/$/, '');
  const assetsBase = `${pathPrefix}${ASSETS_PATH}`;

  async function details(request: FastifyRequest, reply: FastifyReply): Promise<Details> {
    try {
      return await current().provider.interactionDetails(request.raw, reply.raw);
    } catch (cause) {
      throw new AppError('not_found', 'this log-in has expired or belongs to another browser', {
        cause,
      });
    }
  }

  function uidOf(d: Details, request: FastifyRequest): string {
    const { uid } = request.params as { uid: string };
    if (d.uid !== uid) throw new AppError('not_found', 'no such log-in');
    return uid;
  }

  async function clientAndClaims(d: Details) {
    const clientId = String(d.params.client_id ?? '');
    const record = await deps.clients.get(deps.db, clientId);
    if (record?.status !== 'active') throw new AppError('not_found', 'unknown client');
    const scopes = String(d.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const parameterClaims = claimsParameterNames(parseClaimsParam(d.params.claims));
    const claims = claimsToAsk({ scopes, parameterClaims }, record.allowedClaims);
    return { record, scopes, parameterClaims, claims };
  }

  function htmlError(reply: FastifyReply, request: FastifyRequest, status: number, text: string) {
    const lang = pickLocale(
      (request.query as { lang?: string }).lang,
      request.headers['accept-language'],
    );
    const m = MESSAGES[lang];
    return reply
      .code(status)
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        page({
          lang,
          title: m.errorTitle,
          assetsBase,
          body: `<h1>${escapeHtml(m.errorTitle)}</h1><p class="error">${escapeHtml(text)}</p>`,
        }),
      );
  }

  app.get(`${ASSETS_PATH}/login.js`, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(LOGIN_JS),
  );
  app.get(`${ASSETS_PATH}/login.css`, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(LOGIN_CSS),
  );

  app.get(
    `${INTERACTION_PATH}/:uid`,
    {
      schema: { querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) }) },
    },
    async (request, reply) => {
      let d: Details;
      try {
        d = await details(request, reply);
        uidOf(d, request);
      } catch (error) {
        return htmlError(reply, request, 400, (error as Error).message);
      }
      const { record, claims } = await clientAndClaims(d);
      const lang = pickLocale(
        request.query.lang,
        typeof d.params.ui_locales === 'string' ? d.params.ui_locales : undefined,
        request.headers['accept-language'],
      );
      return reply
        .header('content-security-policy', PAGE_CSP)
        .header('cache-control', 'no-store')
        .header('x-frame-options', 'DENY')
        .type('text/html; charset=utf-8')
        .send(
          renderLoginPage({
            lang,
            uid: d.uid,
            clientName: record.clientName,
            claims,
            interactionBase: `${pathPrefix}${INTERACTION_PATH}/${d.uid}`,
            assetsBase,
          }),
        );
    },
  );

  app.post(
    `${INTERACTION_PATH}/:uid/start`,
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        body: Type.Object(
          { identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const d = await details(request, reply);
      const uid = uidOf(d, request);
      const { record, claims } = await clientAndClaims(d);
      let subject: SessionSubject | undefined;
      const identifier = request.body.identifier?.trim();
      if (identifier !== undefined) {
        if (isNationalId(identifier)) subject = { nationalId: identifier };
        else if (isE164Phone(identifier)) subject = { phone: identifier };
        else throw new AppError('invalid_request', 'enter a national id or an E.164 phone number');
      }
      const previous = await findMidSession(deps.db, ref(uid));
      if (previous && !previous.resolvedAt) {
        await deps.sessions
          .cancel(deps.db, previous.clientId, previous.sessionId, `client:${previous.clientId}`)
          .catch(() => undefined);
      }
      const started = await deps.sessions.start(deps.db, {
        clientId: record.clientId,
        kind: 'auth',
        ...(subject ? { subject } : {}),
        hash: randomBytes(32),
        hashType: 'SHA256',
        claims,
        origin: 'oidc',
        actor: `client:${record.clientId}`,
      });
      await insertMidSession(deps.db, {
        ref: ref(uid),
        sessionId: started.sessionId,
        clientId: record.clientId,
        claims,
        qrToken: started.qrStartToken,
        qrSecret: started.qrStartSecret
          ? deps.vault.seal(Buffer.from(started.qrStartSecret, 'utf8'), qrLabel(uid))
          : undefined,
        createdAt: deps.clock.now(),
      });
      const qr =
        started.qrStartToken && started.qrStartSecret
          ? await qrImage(await qrPayload(started.qrStartToken, started.qrStartSecret, 0))
          : undefined;
      return reply.header('cache-control', 'no-store').send({
        ...(qr ? { qr } : {}),
        ...(started.verificationCode ? { verificationCode: started.verificationCode } : {}),
        ...(started.deviceLink ? { deviceLink: started.deviceLink } : {}),
      });
    },
  );

  /** The QR frame as an SVG data URL (img-src data: in the page's CSP). */
  async function qrImage(payload: string): Promise<string> {
    const svg = await QRCode.toString(payload, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 1,
    });
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  }

  /** The frame of the current second (F11): elapsed time since the session started. */
  async function currentQr(row: MidSessionRow, view: SessionView, uid: string) {
    if (!row.qrSecret || !row.qrToken) return undefined;
    const secret = deps.vault.open(row.qrSecret, qrLabel(uid)).toString('utf8');
    const elapsed = (deps.clock.now().getTime() - view.createdAt.getTime()) / 1000;
    return qrImage(await qrPayload(row.qrToken, secret, elapsed));
  }

  app.get(`${INTERACTION_PATH}/:uid/status`, async (request, reply) => {
    const d = await details(request, reply);
    const uid = uidOf(d, request);
    const row = await findMidSession(deps.db, ref(uid));
    if (!row) throw new AppError('session_not_found', 'no Mobile ID request was started');
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    const view = await deps.sessions.waitForCompletion(
      row.clientId,
      row.sessionId,
      row.qrSecret ? QR_FRAME_MS : STATUS_WAIT_MS,
      AbortSignal.any([abort.signal, deps.shutdownSignal]),
    );
    if (!view) throw new AppError('session_not_found', 'the Mobile ID request is gone');
    reply.header('cache-control', 'no-store');
    if (view.state !== 'COMPLETE' || !view.outcome) {
      const qr = await currentQr(row, view, uid);
      return { state: 'RUNNING', ...(qr ? { qr } : {}) };
    }
    const { endResult } = view.outcome;
    return endResult === 'OK'
      ? { state: 'COMPLETE', endResult, next: `${pathPrefix}${INTERACTION_PATH}/${uid}/finish` }
      : { state: 'COMPLETE', endResult };
  });

  app.get(`${INTERACTION_PATH}/:uid/finish`, async (request, reply) => {
    let d: Details;
    let uid: string;
    try {
      d = await details(request, reply);
      uid = uidOf(d, request);
    } catch (error) {
      return htmlError(reply, request, 400, (error as Error).message);
    }
    const row = await findMidSession(deps.db, ref(uid));
    const view = row ? await deps.sessions.get(deps.db, row.clientId, row.sessionId) : undefined;
    const outcome = view?.outcome;
    if (!row || !outcome || outcome.endResult !== 'OK' || !outcome.personId) {
      return htmlError(reply, request, 409, MESSAGES.en.errGeneric);
    }
    if (!(await claimMidSessionResolution(deps.db, row.ref, row.sessionId, deps.clock.now()))) {
      return htmlError(reply, request, 409, 'this log-in was already completed');
    }
    const { scopes, parameterClaims } = await clientAndClaims(d);
    const { provider } = current();
    const grantId = await createGrant(provider, deps, {
      accountId: outcome.personId,
      clientId: row.clientId,
      scopes,
      parameterClaims,
      approvedClaims: (outcome.approvedClaims ?? []).filter((c) => row.claims.includes(c)),
      flow: 'oidc',
    });
    const { acr, amr } = assuranceOf(outcome);
    reply.hijack();
    await provider.interactionFinished(
      request.raw,
      reply.raw,
      {
        login: {
          accountId: outcome.personId,
          acr,
          amr,
          remember: false,
          ts: Math.floor(outcome.completedAt.getTime() / 1000),
        },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  });

  app.get(`${INTERACTION_PATH}/:uid/abort`, async (request, reply) => {
    try {
      const d = await details(request, reply);
      uidOf(d, request);
    } catch (error) {
      return htmlError(reply, request, 400, (error as Error).message);
    }
    reply.hijack();
    await current().provider.interactionFinished(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'the user cancelled the log-in' },
      { mergeWithLastSubmission: false },
    );
  });
}
