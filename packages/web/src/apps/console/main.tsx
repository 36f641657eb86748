// @openmid/protocol's certificate code (@peculiar/x509, reached through the log verifier) needs the
// Reflect metadata polyfill before it evaluates. A static import of App would let the bundler run
// the shared chunk first, so the app is imported only once the polyfill is in place.
import 'reflect-metadata';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../ui/base.css';
import './console.css';
import { I18nProvider } from '../../ui/i18n.js';

const root = document.getElementById('root');
if (root) {
  void import('./App.js').then(({ App }) => {
    createRoot(root).render(
      <StrictMode>
        <I18nProvider>
          <App />
        </I18nProvider>
      </StrictMode>,
    );
  });
}
