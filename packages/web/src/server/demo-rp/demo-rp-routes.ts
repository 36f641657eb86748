import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import * as oidc from 'openid-client';
import { declarationPdf } from './declaration-pdf.js';
import { DEMO_RP_MESSAGES, type DemoRpLang, pickLang } from './demo-rp-messages.js';
import {
  card,
  DEMO_RP_CSS,
  DEMO_RP_FAVICON,
  escapeHtml,
  layout,
  type PageContext,
} from './demo-rp-pages.js';
import { cookieHeader, createCookieSealer, readCookies } from './sealed-cookie.js';

/**
 * The sandbox's demo relying party, an "e-Tax portal" at /demo-rp/ (issue 5): written as an
 * integrator would write it, against the platform's public interfaces only — OpenID Connect with
 * `openid-client` (authorization code + PKCE, state, nonce; ID token validated, claims from
 * userinfo) and the RP REST API over HTTP for document signing. Server-rendered HTML, no script.
 */
export interface DemoRpOptions {
  /** The platform's PUBLIC_URL: the OIDC issuer and the base of the RP REST API. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
}

const BASE = '/demo-rp';
const TX_COOKIE = 'demo_rp_tx';
const SESSION_COOKIE = 'demo_rp_session';
const LANG_COOKIE = 'demo_rp_lang';
const TX_SECONDS = 600;
const SESSION_SECONDS = 3600;
// Claims the portal asks for: the phone lists them for consent (F14).
const SCOPE = 'openid profile phone national_id age_over_18';
const CLAIM_ORDER = [
  'name',
  'given_name',
  'family_name',
  'birthdate',
  'nationality',
  'age_over_18',
  'national_id',
  'phone_number',
];
const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');
const HIDDEN = { hide: true } as FastifySchema;

interface LoginTransaction {
  verifier: string;
  state: string;
  nonce: string;
}

interface SignedInUser {
  sub: string;
  claims: Record<string, unknown>;
  acr?: string;
  amr?: string[];
  csrf: string;
  /** Declarations (RP API session ids) this browser started, newest first. */
  declarations: string[];
}

const SESSION_ID = /^[0-9a-f-]{36}$/;

export async function registerDemoRp(app: FastifyInstance, options: DemoRpOptions): Promise<void> {
  const publicUrl = options.publicUrl.replace(/\/$/, '');
  const redirectUri = `${publicUrl}${BASE}/callback`;
  const secure = publicUrl.startsWith('https:');
  const txSealer = createCookieSealer(options.clientSecret, 'demo-rp login transaction');
  const sessionSealer = createCookieSealer(options.clientSecret, 'demo-rp session');
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  let configuration: Promise<oidc.Configuration> | undefined;
  /** Discovery on first use (the platform is listening by then), retried after a failure. */
  const config = (): Promise<oidc.Configuration> => {
    configuration ??= oidc.discovery(
      new URL(publicUrl),
      options.clientId,
      undefined,
      oidc.ClientSecretBasic(options.clientSecret),
      secure ? {} : { execute: [oidc.allowInsecureRequests] },
    );
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration;
  };

  const rpApi = (path: string, init: RequestInit = {}) =>
    fetch(`${publicUrl}${path}`, {
      ...init,
      headers: {
        authorization: basic,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });

  // Forms post application/x-www-form-urlencoded (only inside this plugin's scope).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  function langOf(request: FastifyRequest, reply: FastifyReply): DemoRpLang {
    const query = (request.query as Record<string, string | undefined>).lang;
    const lang = pickLang(
      query,
      readCookies(request.headers.cookie).get(LANG_COOKIE),
      request.headers['accept-language'],
    );
    if (query === lang) {
      reply.header(
        'set-cookie',
        cookieHeader(LANG_COOKIE, lang, { maxAgeSeconds: 31_536_000, secure, path: BASE }),
      );
    }
    return lang;
  }

  async function userOf(request: FastifyRequest): Promise<SignedInUser | undefined> {
    return sessionSealer.open<SignedInUser>(
      readCookies(request.headers.cookie).get(SESSION_COOKIE),
    );
  }

  async function saveUser(reply: FastifyReply, user: SignedInUser): Promise<void> {
    const value = await sessionSealer.seal({ ...user }, SESSION_SECONDS);
    reply.header(
      'set-cookie',
      cookieHeader(SESSION_COOKIE, value, { maxAgeSeconds: SESSION_SECONDS, secure, path: BASE }),
    );
  }

  function page(
    request: FastifyRequest,
    reply: FastifyReply,
    user: SignedInUser | undefined,
    render: (ctx: PageContext) => { body: string; title?: string; refreshSeconds?: number },
    status = 200,
  ) {
    const lang = langOf(request, reply);
    const path = request.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
    const ctx: PageContext = {
      lang,
      t: DEMO_RP_MESSAGES[lang],
      path,
      signedIn: user !== undefined,
      ...(user ? { csrf: user.csrf } : {}),
    };
    const { body, ...opts } = render(ctx);
    return reply
      .code(status)
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(layout(ctx, body, opts));
  }

  const errorPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    user: SignedInUser | undefined,
    message: (ctx: PageContext) => string,
    retry: string,
    status = 200,
  ) =>
    page(
      request,
      reply,
      user,
      (ctx) => ({
        title: ctx.t.loginFailed,
        body: card(
          ctx.t.loginFailed,
          `<p class="error" data-testid="error">${escapeHtml(message(ctx))}</p><div class="actions"><a class="button" href="${retry}">${escapeHtml(ctx.t.tryAgain)}</a></div>`,
          'error-card',
        ),
      }),
      status,
    );

  app.get(BASE, { schema: HIDDEN }, async (_request, reply) => reply.redirect(`${BASE}/`, 301));

  app.get(`${BASE}/style.css`, { schema: HIDDEN }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(DEMO_RP_CSS),
  );

  app.get(`${BASE}/favicon.svg`, { schema: HIDDEN }, async (_request, reply) =>
    reply
      .type('image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(DEMO_RP_FAVICON),
  );

  app.get(`${BASE}/`, { schema: HIDDEN }, async (request, reply) => {
    const user = await userOf(request);
    if (!user) {
      return page(request, reply, undefined, ({ t }) => ({
        body: card(
          t.title,
          `<p>${escapeHtml(t.intro)}</p><div class="actions"><a class="button" data-testid="login" href="${BASE}/login">${escapeHtml(t.login)}</a></div><p class="muted">${escapeHtml(t.sandboxHint)}</p>`,
          'home',
        ),
      }));
    }
    return page(request, reply, user, ({ t }) => {
      const name = String(user.claims.name ?? user.claims.given_name ?? '');
      const rows = CLAIM_ORDER.filter((c) => user.claims[c] !== undefined)
        .map(
          (c) =>
            `<tr data-claim="${c}"><td><code>${c}</code></td><td>${escapeHtml(String(user.claims[c]))}</td></tr>`,
        )
        .join('');
      const signer = signerOf(user);
      const declaration = signer
        ? `<form method="post" action="${BASE}/declarations"><input type="hidden" name="csrf" value="${escapeHtml(user.csrf)}"><label for="income">${escapeHtml(t.income)}</label><input id="income" name="income" type="number" min="0" max="1000000000" step="1" value="24000" required><div class="actions"><button class="primary" type="submit" data-testid="sign">${escapeHtml(t.sign)}</button></div></form>`
        : `<p class="notice">${escapeHtml(t.cannotSign)}</p>`;
      return {
        body:
          card(
            t.welcome.replace('{name}', name),
            `<h2>${escapeHtml(t.released)}</h2>${
              rows
                ? `<table data-testid="claims"><thead><tr><th>${escapeHtml(t.claim)}</th><th>${escapeHtml(t.value)}</th></tr></thead><tbody>${rows}</tbody></table>`
                : `<p>${escapeHtml(t.noClaims)}</p>`
            }<table><tbody><tr><th>${escapeHtml(t.sub)}</th><td><code data-testid="sub">${escapeHtml(user.sub)}</code></td></tr>${
              user.acr
                ? `<tr><th>${escapeHtml(t.acr)}</th><td><code>${escapeHtml(user.acr)}</code></td></tr>`
                : ''
            }${
              user.amr
                ? `<tr><th>${escapeHtml(t.amr)}</th><td><code>${escapeHtml(user.amr.join(' '))}</code></td></tr>`
                : ''
            }</tbody></table>`,
            'account',
          ) + card(t.declaration, `<p>${escapeHtml(t.declarationIntro)}</p>${declaration}`),
      };
    });
  });

  app.get(`${BASE}/login`, { schema: HIDDEN }, async (request, reply) => {
    const lang = langOf(request, reply);
    const tx: LoginTransaction = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    };
    const url = oidc.buildAuthorizationUrl(await config(), {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
      state: tx.state,
      nonce: tx.nonce,
      ui_locales: lang,
    });
    reply.header(
      'set-cookie',
      cookieHeader(TX_COOKIE, await txSealer.seal({ ...tx }, TX_SECONDS), {
        maxAgeSeconds: TX_SECONDS,
        secure,
        path: BASE,
      }),
    );
    return reply.header('cache-control', 'no-store').redirect(url.href, 302);
  });

  app.get(`${BASE}/callback`, { schema: HIDDEN }, async (request, reply) => {
    const tx = await txSealer.open<LoginTransaction>(
      readCookies(request.headers.cookie).get(TX_COOKIE),
    );
    const query = request.query as Record<string, string | undefined>;
    if (!tx) {
      return errorPage(
        request,
        reply,
        undefined,
        (c) => c.t.unknownError.replace('{detail}', 'no log-in in progress'),
        `${BASE}/login`,
        400,
      );
    }
    if (query.error) {
      const error = query.error;
      return errorPage(
        request,
        reply,
        undefined,
        (c) =>
          error === 'access_denied' ? c.t.loginDenied : c.t.unknownError.replace('{detail}', error),
        `${BASE}/login`,
      );
    }
    let user: SignedInUser;
    try {
      const cfg = await config();
      const tokens = await oidc.authorizationCodeGrant(cfg, new URL(request.url, publicUrl), {
        pkceCodeVerifier: tx.verifier,
        expectedState: tx.state,
        expectedNonce: tx.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      const info = await oidc.fetchUserInfo(cfg, tokens.access_token, idToken.sub);
      const { sub, ...claims } = info;
      user = {
        sub,
        claims,
        ...(typeof idToken.acr === 'string' ? { acr: idToken.acr } : {}),
        ...(Array.isArray(idToken.amr) ? { amr: idToken.amr.map(String) } : {}),
        csrf: randomBytes(16).toString('base64url'),
        declarations: [],
      };
    } catch (error) {
      request.log.warn({ err: error }, 'demo RP log-in failed');
      const detail = error instanceof Error ? error.message : 'log-in failed';
      return errorPage(
        request,
        reply,
        undefined,
        (c) => c.t.unknownError.replace('{detail}', detail),
        `${BASE}/login`,
      );
    }
    reply.header(
      'set-cookie',
      cookieHeader(TX_COOKIE, '', { maxAgeSeconds: 0, secure, path: BASE }),
    );
    await saveUser(reply, user);
    return reply.redirect(`${BASE}/`, 303);
  });

  app.post(`${BASE}/logout`, { schema: HIDDEN }, async (request, reply) => {
    const user = await userOf(request);
    const form = (request.body ?? {}) as Record<string, string>;
    if (user && form.csrf === user.csrf) {
      reply.header(
        'set-cookie',
        cookieHeader(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure, path: BASE }),
      );
    }
    return reply.redirect(`${BASE}/`, 303);
  });

  app.post(`${BASE}/declarations`, { schema: HIDDEN }, async (request, reply) => {
    const user = await userOf(request);
    const form = (request.body ?? {}) as Record<string, string>;
    if (!user || form.csrf !== user.csrf) return reply.redirect(`${BASE}/`, 303);
    const income = Number(form.income);
    const signer = signerOf(user);
    if (!signer || !Number.isSafeInteger(income) || income < 0 || income > 1e9) {
      return errorPage(request, reply, user, (c) => c.t.invalidIncome, `${BASE}/`, 400);
    }
    const pdf = await declarationPdf({
      name: String(user.claims.name ?? ''),
      identifier: 'nationalId' in signer ? signer.nationalId : signer.phone,
      income,
      date: new Date(),
    });
    const started = await rpApi('/rp/v1/documents/signature', {
      method: 'POST',
      body: JSON.stringify({
        subject: signer,
        document: Buffer.from(pdf).toString('base64'),
        documentName: 'Income declaration 2026',
        displayText: `Income ${income} AZN`,
        format: 'PAdES',
        level: 'B-LT',
        reason: 'Income declaration 2026',
        visibleSignature: { page: 1, x: 56, y: 420, width: 300, height: 60 },
      }),
    });
    const answer = (await started.json()) as { sessionId?: string; detail?: string };
    if (started.status !== 201 || !answer.sessionId) {
      return errorPage(
        request,
        reply,
        user,
        (c) => c.t.unknownError.replace('{detail}', answer.detail ?? String(started.status)),
        `${BASE}/`,
      );
    }
    await saveUser(reply, {
      ...user,
      declarations: [answer.sessionId, ...user.declarations].slice(0, 5),
    });
    const vc = (answer as { verificationCode?: string }).verificationCode ?? '';
    return reply.redirect(
      `${BASE}/declarations/${answer.sessionId}?vc=${encodeURIComponent(vc)}`,
      303,
    );
  });

  /** A declaration this browser started, or undefined. */
  async function ownDeclaration(request: FastifyRequest) {
    const user = await userOf(request);
    const id = (request.params as { id: string }).id;
    if (!user || !SESSION_ID.test(id) || !user.declarations.includes(id)) return undefined;
    return { user, id };
  }

  app.get(`${BASE}/declarations/:id`, { schema: HIDDEN }, async (request, reply) => {
    const own = await ownDeclaration(request);
    if (!own) return reply.redirect(`${BASE}/`, 303);
    const session = await rpApi(`/rp/v1/sessions/${own.id}?timeoutMs=1500`);
    const view = (await session.json()) as {
      state?: string;
      result?: { endResult: string };
      document?: string;
    };
    const vc = String((request.query as Record<string, string>).vc ?? '')
      .replace(/\D/g, '')
      .slice(0, 4);
    if (view.state !== 'COMPLETE') {
      return page(request, reply, own.user, ({ t }) => ({
        title: t.checkPhone,
        refreshSeconds: 1,
        body: card(
          t.checkPhone,
          `<p>${escapeHtml(t.checkPhoneText)}</p><p class="code" data-testid="verification-code">${escapeHtml(vc)}</p><p class="muted">${escapeHtml(t.waiting)}</p><div class="actions"><a class="button secondary" href="${BASE}/">${escapeHtml(t.cancel)}</a></div>`,
          'signing',
        ),
      }));
    }
    if (view.result?.endResult === 'OK' && view.document) {
      return page(request, reply, own.user, ({ t }) => ({
        title: t.signed,
        body: card(
          t.signed,
          `<p class="ok">${escapeHtml(t.signedText)}</p><div class="actions"><a class="button" data-testid="download" href="${BASE}/declarations/${own.id}/document">${escapeHtml(t.download)}</a><a href="${BASE}/">${escapeHtml(t.back)}</a></div>`,
          'signed',
        ),
      }));
    }
    return page(request, reply, own.user, ({ t }) => ({
      title: t.notSigned,
      body: card(
        t.notSigned,
        `<p class="error" data-testid="error">${escapeHtml(t.endResult[view.result?.endResult ?? ''] ?? t.unknownError.replace('{detail}', view.result?.endResult ?? ''))}</p><div class="actions"><a class="button" href="${BASE}/">${escapeHtml(t.tryAgain)}</a></div>`,
        'not-signed',
      ),
    }));
  });

  app.get(`${BASE}/declarations/:id/document`, { schema: HIDDEN }, async (request, reply) => {
    const own = await ownDeclaration(request);
    if (!own) return reply.redirect(`${BASE}/`, 303);
    const view = (await (await rpApi(`/rp/v1/sessions/${own.id}`)).json()) as { document?: string };
    if (!view.document) return reply.redirect(`${BASE}/declarations/${own.id}`, 303);
    return reply
      .type('application/pdf')
      .header('content-disposition', 'attachment; filename="income-declaration-2026.pdf"')
      .header('cache-control', 'no-store')
      .send(Buffer.from(view.document, 'base64'));
  });
}

/** Whom to ask for the signature: the released national id, else the released phone number. */
function signerOf(user: SignedInUser): { nationalId: string } | { phone: string } | undefined {
  if (typeof user.claims.national_id === 'string') return { nationalId: user.claims.national_id };
  if (typeof user.claims.phone_number === 'string') return { phone: user.claims.phone_number };
  return undefined;
}
