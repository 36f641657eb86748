import { DEMO_RP_LANGS, type DemoRpLang, type DemoRpMessages } from './demo-rp-messages.js';

/** Server-rendered pages of the demo RP: plain HTML and one stylesheet, no script at all. */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const LANG_NAMES: Record<DemoRpLang, string> = {
  en: 'English',
  az: 'Azərbaycanca',
  'zh-Hant': '繁體中文',
};

export interface PageContext {
  lang: DemoRpLang;
  t: DemoRpMessages;
  /** The path of this page (for the language links). */
  path: string;
  signedIn: boolean;
  csrf?: string;
}

export function layout(
  ctx: PageContext,
  body: string,
  options: { refreshSeconds?: number; title?: string } = {},
): string {
  const { t } = ctx;
  const langs = DEMO_RP_LANGS.map((l) =>
    l === ctx.lang
      ? `<span aria-current="true">${LANG_NAMES[l]}</span>`
      : `<a href="${escapeHtml(`${ctx.path}${ctx.path.includes('?') ? '&' : '?'}lang=${encodeURIComponent(l)}`)}" hreflang="${l}" lang="${l}">${LANG_NAMES[l]}</a>`,
  ).join('');
  const logout =
    ctx.signedIn && ctx.csrf
      ? `<form method="post" action="/demo-rp/logout" class="logout"><input type="hidden" name="csrf" value="${escapeHtml(ctx.csrf)}"><button type="submit" class="link">${escapeHtml(t.logout)}</button></form>`
      : '';
  return `<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshSeconds ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${escapeHtml(options.title ? `${options.title} — ${t.title}` : t.title)}</title>
<link rel="stylesheet" href="/demo-rp/style.css">
<link rel="icon" href="/demo-rp/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="bar">
  <a class="brand" href="/demo-rp/"><span class="logo" aria-hidden="true">e</span>${escapeHtml(t.title)}</a>
  <span class="badge">${escapeHtml(t.badge)}</span>
  <nav class="langs" aria-label="${escapeHtml(t.language)}">${langs}</nav>
  ${logout}
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export function card(title: string, inner: string, testId?: string): string {
  return `<section class="card"${testId ? ` data-testid="${testId}"` : ''}><h1>${escapeHtml(title)}</h1>${inner}</section>`;
}

export const DEMO_RP_CSS = `
:root { color-scheme: light; --ink: #1c2430; --muted: #5b6675; --brand: #0b5cad; --line: #dfe4ea; --bg: #f4f6f9; --ok: #1d7a46; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; color: var(--ink); background: var(--bg); }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); }
.brand { display: inline-flex; align-items: center; gap: 10px; font-weight: 700; font-size: 1.15rem; color: var(--ink); text-decoration: none; }
.logo { display: inline-grid; place-items: center; width: 32px; height: 32px; border-radius: 8px; background: var(--brand); color: #fff; }
.badge { font-size: .8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; }
.langs { margin-left: auto; display: flex; gap: 12px; font-size: .9rem; }
.langs a { color: var(--brand); }
.langs [aria-current] { font-weight: 600; }
main { max-width: 760px; margin: 32px auto; padding: 0 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 24px 28px; margin-bottom: 20px; }
h1 { font-size: 1.5rem; margin: 0 0 12px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
p { margin: 8px 0; }
.muted { color: var(--muted); font-size: .9rem; }
.button, button.primary { display: inline-block; border: 0; border-radius: 8px; background: var(--brand); color: #fff; padding: 10px 18px; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.button.secondary { background: #fff; color: var(--brand); border: 1px solid var(--brand); }
button.link { border: 0; background: none; color: var(--brand); font: inherit; cursor: pointer; padding: 0; text-decoration: underline; }
.logout { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; word-break: break-word; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; }
label { display: block; font-weight: 600; margin: 12px 0 4px; }
input[type=text], input[type=number] { width: 100%; max-width: 280px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; font: inherit; }
.actions { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; align-items: center; }
.code { font-size: 3rem; font-weight: 700; letter-spacing: .3em; font-variant-numeric: tabular-nums; margin: 12px 0; }
.ok { color: var(--ok); }
.error { color: var(--bad); }
.notice { background: #fff8e6; border: 1px solid #f3d58a; border-radius: 8px; padding: 10px 14px; }
`;

export const DEMO_RP_FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b5cad"/><text x="32" y="45" font-size="36" text-anchor="middle" fill="#fff" font-family="sans-serif">e</text></svg>';
