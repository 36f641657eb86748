/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** OpenMID's mark as a data URL (img-src data:), so browsers do not ask for /favicon.ico. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b5cad"/><path d="M32 10 52 32 32 54 12 32Z" fill="#fff"/><circle cx="32" cy="32" r="7" fill="#0b5cad"/></svg>',
)}`;

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
<link rel="icon" href="${FAVICON}">
${script}
</head>
<body>
<main class="card">
${options.body}
</main>
</body>
</html>`;
}
