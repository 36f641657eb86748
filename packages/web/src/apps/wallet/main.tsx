import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../ui/base.css';
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

// Installable and usable offline (history, ID card): the service worker keeps the app shell.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/wallet/sw.js', { scope: '/wallet/' }).catch(() => undefined);
    // Load the screens that must open offline once now, so the service worker keeps them.
    navigator.serviceWorker.ready
      .then(() =>
        Promise.all([
          import('./History.js'),
          import('./Security.js'),
          import('./idcard/IdCard.js'),
        ]),
      )
      .catch(() => undefined);
  });
}
