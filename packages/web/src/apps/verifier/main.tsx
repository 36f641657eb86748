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
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/verifier/sw.js', { scope: '/verifier/' })
      .catch(() => undefined);
  });
}
