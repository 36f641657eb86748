import type { ReactNode } from 'react';
import { Clients } from './Clients.js';
import { Guide } from './Guide.js';
import type { MessageKey } from './messages.js';
import { Simulator } from './Simulator.js';
import { TestPersons } from './TestPersons.js';

/** The developer portal's pages (after sign-up or log-in), matched in order; add one line here. */
export const routes: { path: string; nav?: MessageKey; render: () => ReactNode }[] = [
  { path: '/', nav: 'navClients', render: () => <Clients /> },
  { path: '/test-persons', nav: 'navPersons', render: () => <TestPersons /> },
  { path: '/simulator', nav: 'navSimulator', render: () => <Simulator /> },
  { path: '/guide', nav: 'navGuide', render: () => <Guide /> },
];
