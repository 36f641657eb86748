// The wallet's service worker (scope /wallet/): keeps the app shell for offline use and shows
// Web Push notifications of new requests. Data (history) is kept by the app in IndexedDB; API
// calls are never cached here (every one carries a fresh device proof).
const SHELL = 'openmid-wallet-shell-v1';
const ASSETS = 'openmid-wallet-assets-v1';

/** The shell: the page, its manifest and icons, and every script and style the page names. */
async function cacheShell() {
  const cache = await caches.open(SHELL);
  const response = await fetch('/wallet/', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/wallet/', response);
  const urls = new Set([
    '/wallet/manifest.webmanifest',
    '/wallet/icons/icon.svg',
    '/wallet/icons/icon-192.png',
  ]);
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) urls.add(m[1]);
  const assets = await caches.open(ASSETS);
  await Promise.all(
    [...urls].map((url) =>
      fetch(url).then((r) =>
        r.ok ? (url.startsWith('/assets/') ? assets : cache).put(url, r) : undefined,
      ),
    ),
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
            .filter((n) => n.startsWith('openmid-wallet-') && n !== SHELL && n !== ASSETS)
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
  if (request.mode === 'navigate' && url.pathname.startsWith('/wallet/')) {
    // Network first (a new version wins), the saved shell when offline: every wallet path is the
    // same page, routed in the browser.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL).then((c) => c.put('/wallet/', copy));
          }
          return response;
        })
        .catch(() =>
          caches.match('/wallet/', { cacheName: SHELL }).then((r) => r || Response.error()),
        ),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change: cache first, and keep what is fetched (lazy screens).
    event.respondWith(
      caches.match(request, { cacheName: ASSETS }).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(ASSETS).then((c) => c.put(request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }
  if (
    url.pathname.startsWith('/wallet/icons/') ||
    url.pathname === '/wallet/manifest.webmanifest'
  ) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

const TITLES = {
  en: (rp) => `${rp} asks for your Mobile ID`,
  az: (rp) => `${rp} Mobil ID-nizi istəyir`,
  'zh-Hant': (rp) => `${rp} 要求使用您的行動身分`,
};
const BODIES = {
  en: 'Open the wallet to see the request.',
  az: 'Sorğunu görmək üçün pulqabını açın.',
  'zh-Hant': '請開啟錢包查看請求。',
};

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const lang = (self.navigator.language || 'en').toLowerCase();
  const key = lang.startsWith('az') ? 'az' : lang.startsWith('zh') ? 'zh-Hant' : 'en';
  const rp = typeof message.rpName === 'string' ? message.rpName.slice(0, 80) : 'OpenMID';
  const sessionId = typeof message.sessionId === 'string' ? message.sessionId : '';
  event.waitUntil(
    self.registration.showNotification(TITLES[key](rp), {
      body: BODIES[key],
      icon: '/wallet/icons/icon-192.png',
      badge: '/wallet/icons/icon-192.png',
      tag: 'openmid-request',
      renotify: true,
      requireInteraction: true,
      data: { url: sessionId ? `/wallet/request/${encodeURIComponent(sessionId)}` : '/wallet/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = event.notification.data?.url || '/wallet/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (new URL(w.url).pathname.startsWith('/wallet/')) {
          return w.focus().then(() => w.navigate(target));
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
