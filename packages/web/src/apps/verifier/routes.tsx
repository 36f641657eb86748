import { lazy, Suspense } from 'react';
import type { Route } from '../../ui/router.js';

// The check screens carry the X.509 and SD-JWT code: loaded after the entry, so the Reflect
// polyfill that main.tsx installs is in place before @peculiar/x509 evaluates.
const Home = lazy(() => import('./Home.js').then((m) => ({ default: m.Home })));

/** The verifier app's pages, matched in order; add a page with one line here. */
export const routes: Route[] = [
  {
    path: '/',
    render: () => (
      <Suspense fallback={<p role="status">…</p>}>
        <Home />
      </Suspense>
    ),
  },
];
