import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, LOGOUT_CSP, PAGE_CSP, page } from './html.js';
import { type Locale, MESSAGES, pickLocale } from './login-messages.js';

/** Assets live beside the interaction pages (login-routes.ts). */
export const ASSETS_PATH = '/oidc/assets';

function localeOf(ctx: KoaContextWithOIDC): Locale {
  const uiLocales = ctx.oidc?.params?.ui_locales;
  return pickLocale(
    typeof uiLocales === 'string' ? uiLocales : undefined,
    ctx.get('accept-language'),
  );
}

function assetsBase(ctx: KoaContextWithOIDC): string {
  const issuerPath = new URL(ctx.oidc?.issuer ?? 'http://x').pathname.replace(/\/$/, '');
  return `${issuerPath}${ASSETS_PATH}`;
}

function send(ctx: KoaContextWithOIDC, html: string, csp: string = PAGE_CSP): void {
  ctx.set('content-security-policy', csp);
  ctx.type = 'html';
  ctx.body = html;
}

/** oidc-provider's error page (errors it cannot redirect to the client). */
export async function renderErrorPage(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string },
): Promise<void> {
  const lang = localeOf(ctx);
  const m = MESSAGES[lang];
  send(
    ctx,
    page({
      lang,
      title: m.errorTitle,
      assetsBase: assetsBase(ctx),
      body: `<h1>${escapeHtml(m.errorTitle)}</h1>
<p class="error"><code>${escapeHtml(out.error)}</code></p>
${out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : ''}`,
    }),
  );
}

/** RP-initiated logout: confirm (the form oidc-provider builds carries its own xsrf token). */
export async function renderLogoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const lang = localeOf(ctx);
  const m = MESSAGES[lang];
  send(
    ctx,
    page({
      lang,
      title: m.logoutTitle,
      assetsBase: assetsBase(ctx),
      body: `<h1>${escapeHtml(m.logoutTitle)}</h1>
<p>${escapeHtml(m.logoutQuestion)}</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">${escapeHtml(m.logoutYes)}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(m.logoutNo)}</button>
</div>`,
    }),
    LOGOUT_CSP,
  );
}

export async function renderLogoutSuccessPage(ctx: KoaContextWithOIDC): Promise<void> {
  const lang = localeOf(ctx);
  const m = MESSAGES[lang];
  send(
    ctx,
    page({
      lang,
      title: m.logoutTitle,
      assetsBase: assetsBase(ctx),
      body: `<h1>${escapeHtml(m.loggedOut)}</h1>`,
    }),
  );
}
