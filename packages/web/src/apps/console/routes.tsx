import type { Route } from '../../ui/router.js';
import { Home } from './Home.js';
import { CallCentre } from './pages/CallCentre.js';

/** The console app's pages, matched in order; add a page with one line here. */
export const routes: Route[] = [
  { path: '/', render: () => <Home /> },
  { path: '/call-centre', render: () => <CallCentre /> },
];
