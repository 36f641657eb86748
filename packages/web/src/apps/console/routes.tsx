import type { ReactNode } from 'react';
import type { Route } from '../../ui/router.js';
import { AuditLog } from './AuditLog.js';
import { Clients } from './Clients.js';
import { Home } from './Home.js';
import type { MessageKey } from './messages.js';
import { PersonPage, Persons, RegisterPerson } from './Persons.js';
import { CallCentre } from './pages/CallCentre.js';
import { Verifiers } from './pages/Verifiers.js';
import { Reports } from './Reports.js';
import { Staff } from './Staff.js';
import type { StaffRole } from './session.js';
import { TrustList } from './TrustList.js';

/**
 * A console page: its path (relative to /console), who may open it (others get the 403 page) and,
 * when it belongs in the navigation, its label. Matched in order; add a page with one line here.
 */
export interface ConsoleRoute {
  path: string;
  roles: readonly StaffRole[];
  nav?: MessageKey;
  render: (params: Record<string, string>) => ReactNode;
}

const ALL: readonly StaffRole[] = ['operator', 'officer', 'auditor', 'call_centre'];
const REGISTRY: readonly StaffRole[] = ['operator', 'officer', 'auditor'];

export const routes: ConsoleRoute[] = [
  { path: '/', roles: ALL, nav: 'navHome', render: () => <Home /> },
  { path: '/persons', roles: REGISTRY, nav: 'navPersons', render: () => <Persons /> },
  { path: '/persons/new', roles: ['operator', 'officer'], render: () => <RegisterPerson /> },
  {
    path: '/persons/:personId',
    roles: REGISTRY,
    render: (p) => <PersonPage id={p.personId ?? ''} />,
  },
  { path: '/staff', roles: ['operator', 'auditor'], nav: 'navStaff', render: () => <Staff /> },
  { path: '/clients', roles: ['operator'], nav: 'navClients', render: () => <Clients /> },
  {
    path: '/reports',
    roles: ['operator', 'auditor'],
    nav: 'navReports',
    render: () => <Reports />,
  },
  { path: '/log', roles: ['operator', 'auditor'], nav: 'navLog', render: () => <AuditLog /> },
  {
    path: '/trust-list',
    roles: ['operator', 'auditor'],
    nav: 'navTrustList',
    render: () => <TrustList />,
  },
  {
    path: '/verifiers',
    roles: ['operator', 'auditor'],
    nav: 'navVerifiers',
    render: () => <Verifiers />,
  },
  {
    path: '/call-centre',
    roles: ['call_centre', 'operator'],
    nav: 'navCallCentre',
    render: () => <CallCentre />,
  },
];

/** The route table in the shape of the shared router, each page behind its role check. */
export function guardedRoutes(role: StaffRole, forbidden: ReactNode): Route[] {
  return routes.map((r) => ({
    path: r.path,
    render: (params) => (r.roles.includes(role) ? r.render(params) : forbidden),
  }));
}
