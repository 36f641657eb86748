import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../ui/base.css';
import './verifier.css';
import { I18nProvider } from '../../ui/i18n.js';
import { App } from './App.js';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <App />
      </I18nProvider>
    </StrictMode>,
  );
}

// The app shell is kept by a service worker, so the verifier opens and checks without a network.
// Scripts loaded before it took control (the lazily loaded check screens) are fetched once more
// through it, so it keeps them too.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/verifier/sw.js', { scope: '/verifier/' })
      .then(() => navigator.serviceWorker.ready)
      .then(async () => {
        if (!navigator.serviceWorker.controller) {
          await new Promise((resolve) =>
            navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
          );
        }
        const assets = performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((url) => new URL(url).pathname.startsWith('/assets/'));
        await Promise.all(assets.map((url) => fetch(url).catch(() => undefined)));
        document.documentElement.dataset.offlineReady = 'true';
      })
      .catch(() => undefined);
  });
}
