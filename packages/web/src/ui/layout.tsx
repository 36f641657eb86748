import type { ReactNode } from 'react';
import { LanguageSwitcher } from './i18n.js';

/** Page frame shared by the apps: a header with the app's name and the language switcher. */
export function AppFrame({
  title,
  languageLabel,
  nav,
  children,
}: {
  title: string;
  languageLabel: string;
  nav?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand" aria-hidden="true">
          ◆
        </span>
        <h1 className="app-title">{title}</h1>
        <LanguageSwitcher label={languageLabel} />
      </header>
      {nav ? <nav className="app-nav">{nav}</nav> : null}
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** A problem shown to a person: its title, and its detail when there is one. */
export function ErrorNotice({ title, detail }: { title: string; detail?: string | undefined }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      {detail ? <p>{detail}</p> : null}
    </div>
  );
}
