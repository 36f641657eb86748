import { lazy, Suspense } from 'react';
import type { Route } from '../../ui/router.js';
import { Home } from './Home.js';
import { RequestScreen } from './Request.js';

// Screens that pull in large code (X.509 for activation, jsQR for the camera) load on demand,
// so the first screen stays small (issue 7: under 200 KB of compressed JS).
const Activate = lazy(() => import('./Activate.js').then((m) => ({ default: m.Activate })));
const Scan = lazy(() => import('./Scan.js').then((m) => ({ default: m.Scan })));
const DeviceLink = lazy(() => import('./Scan.js').then((m) => ({ default: m.DeviceLink })));
const History = lazy(() => import('./History.js').then((m) => ({ default: m.History })));
const Security = lazy(() => import('./Security.js').then((m) => ({ default: m.Security })));
const IdCard = lazy(() => import('./idcard/IdCard.js').then((m) => ({ default: m.IdCard })));
const Present = lazy(() => import('./idcard/Present.js').then((m) => ({ default: m.Present })));

const wait = (node: React.ReactNode) => (
  <Suspense fallback={<p role="status">…</p>}>{node}</Suspense>
);

/**
 * The wallet app's pages, matched in order; add a page with one line here.
 * The ID card screens are src/apps/wallet/idcard/* (the home screen shows their tile).
 */
export const routes: Route[] = [
  { path: '/', render: () => <Home /> },
  { path: '/activate', render: () => wait(<Activate />) },
  { path: '/request/:id', render: (p) => <RequestScreen sessionId={p.id ?? ''} /> },
  { path: '/scan', render: () => wait(<Scan />) },
  { path: '/link', render: () => wait(<DeviceLink />) },
  { path: '/history', render: () => wait(<History />) },
  { path: '/security', render: () => wait(<Security />) },
  { path: '/idcard', render: () => wait(<IdCard />) },
  { path: '/idcard/present', render: () => wait(<Present />) },
];
