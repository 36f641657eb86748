/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The Content-Security-Policy of every page the provider renders: no inline script or style. */
const BASE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
];
export const PAGE_CSP = [...BASE_CSP, "form-action 'self'"].join('; ');
/**
 * The logout confirmation posts to the provider, which then redirects to the client's
 * post_logout_redirect_uri; browsers apply form-action to that redirect, so it is left out here.
 */
export const LOGOUT_CSP = BASE_CSP.join('; ');

export function page(options: {
  lang: string;
  title: string;
  body: string;
  assetsBase: string;
  script?: boolean;
}): string {
  const script = options.script
    ? `<script src="${options.assetsBase}/login.js" defer></script>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(options.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${options.assetsBase}/login.css">
${script}
</head>
<body>
<main class="card">
${options.body}
</main>
</body>
</html>`;
}
