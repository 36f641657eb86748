import { escapeHtml, page } from './html.js';
import { CLAIM_LABELS, format, LOCALES, type Locale, MESSAGES } from './login-messages.js';

export interface LoginPageModel {
  lang: Locale;
  uid: string;
  clientName: string;
  claims: string[];
  /** Base of this interaction's endpoints: <prefix>/oidc/interaction/<uid>. */
  interactionBase: string;
  assetsBase: string;
}

const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  az: 'Azərbaycanca',
  'zh-Hant': '繁體中文',
};

/**
 * The log-in page (F11, F12): the animated QR for the wallet (default, F13), or a national id /
 * phone number for the notification flow with the verification code on screen. login.js drives
 * it; the texts it needs travel in a JSON data block (not executed, so the CSP stays strict).
 */
export function renderLoginPage(model: LoginPageModel): string {
  const m = MESSAGES[model.lang];
  const client = model.clientName;
  const t = (s: string) => escapeHtml(format(s, { client }));
  const labels = CLAIM_LABELS[model.lang];
  const claimList =
    model.claims.length > 0
      ? `<p>${t(m.claimsAsked)}</p><ul class="claims">${model.claims
          .map((c) => `<li>${escapeHtml(labels[c] ?? c)}</li>`)
          .join('')}</ul>`
      : '';
  const languages = LOCALES.map((l) =>
    l === model.lang
      ? `<strong>${escapeHtml(LANGUAGE_NAMES[l])}</strong>`
      : `<a href="${model.interactionBase}?lang=${encodeURIComponent(l)}" lang="${l}">${escapeHtml(LANGUAGE_NAMES[l])}</a>`,
  ).join(' · ');
  const texts = {
    waiting: m.waiting,
    done: m.done,
    errors: {
      USER_REFUSED: m.errRefused,
      TIMEOUT: m.errTimeout,
      NOT_FOUND_OR_INACTIVE: m.errNoMobileId,
      WRONG_VC: m.errWrongCode,
      PIN_BLOCKED: m.errBlocked,
      CERTIFICATE_INVALID: m.errCertificate,
      CANCELLED: m.errCancelled,
      person_not_found: m.errNoMobileId,
      invalid_national_id: m.errBadIdentifier,
      invalid_request: m.errBadIdentifier,
      rate_limited: m.errBusy,
      generic: m.errGeneric,
    },
  };
  // JSON in a data block: '<' is escaped so the block cannot be closed early.
  const data = JSON.stringify({ base: model.interactionBase, texts }).replaceAll('<', '\\u003c');
  return page({
    lang: model.lang,
    title: m.title,
    assetsBase: model.assetsBase,
    script: true,
    body: `<nav class="languages" aria-label="${escapeHtml(m.language)}">${languages}</nav>
<h1>${t(m.loginTo)}</h1>
<p class="note">${t(m.consentNote)}</p>
${claimList}
<section id="qr-section">
  <h2>${escapeHtml(m.scanTitle)}</h2>
  <p>${escapeHtml(m.scanHelp)}</p>
  <img id="qr" alt="QR" width="240" height="240" hidden>
  <p><a id="device-link" href="#" hidden>${escapeHtml(m.sameDevice)}</a></p>
</section>
<section id="identifier-section">
  <h2>${escapeHtml(m.orIdentifier)}</h2>
  <form id="identifier-form" autocomplete="on">
    <label for="identifier">${escapeHtml(m.identifierLabel)}</label>
    <input id="identifier" name="identifier" required maxlength="32" autocomplete="username" spellcheck="false">
    <button type="submit" class="primary">${escapeHtml(m.send)}</button>
  </form>
</section>
<section id="code-section" hidden>
  <h2>${escapeHtml(m.codeTitle)}</h2>
  <p>${t(m.codeHelp)}</p>
  <p id="verification-code" class="code" aria-live="polite"></p>
</section>
<p id="status" class="status" role="status" aria-live="polite"></p>
<section id="error-section" hidden>
  <p id="error" class="error" role="alert"></p>
  <div class="actions">
    <button type="button" id="retry" class="primary">${escapeHtml(m.tryAgain)}</button>
  </div>
</section>
<p class="cancel"><a id="cancel" href="${model.interactionBase}/abort">${t(m.cancel)}</a></p>
<script type="application/json" id="login-data">${data}</script>`,
  });
}
