// The verifier's service worker (scope /verifier/): keeps the app shell so the verifier opens and
// checks ID cards without a network. Trust material (issuer keys, status lists) is kept by the
// app itself in local storage with its age; API calls are never cached here.
const SHELL = 'openmid-verifier-shell-v1';

async function cacheShell() {
  const cache = await caches.open(SHELL);
  const response = await fetch('/verifier/', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/verifier/', response);
  const urls = new Set(['/verifier/manifest.webmanifest', '/favicon.svg']);
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) urls.add(m[1]);
  await Promise.all(
    [...urls].map((url) => fetch(url).then((r) => (r.ok ? cache.put(url, r) : undefined))),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith('openmid-verifier-') && n !== SHELL)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/verifier/')) {
    // Network first, the saved shell offline (every verifier path is the same page).
    event.respondWith(
      fetch(request).catch(() =>
        caches.match('/verifier/', { cacheName: SHELL }).then((r) => r || Response.error()),
      ),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    // Hashed names never change: cache first, keep what is fetched.
    event.respondWith(
      caches.match(request, { cacheName: SHELL }).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL).then((c) => c.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
