/**
 * The browser apps the platform serves, each at `/<name>/` from one HTML entry
 * (`src/apps/<name>/index.html`). Adding an app: a folder under src/apps and a name here.
 */
export const WEB_APPS = ['wallet', 'portal', 'console', 'developers', 'verifier'] as const;

export type WebAppName = (typeof WEB_APPS)[number];
