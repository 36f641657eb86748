import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

/**
 * A very small router over the History API for one app mounted at `/<app>/`: routes are
 * path patterns relative to the app (`/`, `/requests/:id`), matched in order.
 */
export interface Route {
  path: string;
  render: (params: Record<string, string>) => ReactNode;
}

export function appBase(app: string): string {
  return `/${app}`;
}

function currentPath(base: string): string {
  const path = window.location.pathname;
  const rest = path.startsWith(base) ? path.slice(base.length) : path;
  return rest === '' ? '/' : rest;
}

export function matchRoute(
  routes: readonly Route[],
  path: string,
): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const names: string[] = [];
    const pattern = route.path.replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const m = new RegExp(`^${pattern}/?$`).exec(path);
    if (m) {
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
  }
  return null;
}

const NAVIGATE = 'openmid:navigate';

/** Go to a path of the current app (relative to its base) without reloading. */
export function navigate(base: string, path: string, replace = false): void {
  const url = `${base}${path.startsWith('/') ? path : `/${path}`}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function usePath(base: string): string {
  const [path, setPath] = useState(() => currentPath(base));
  useEffect(() => {
    const update = () => setPath(currentPath(base));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, [base]);
  return path;
}

export function Router({
  base,
  routes,
  notFound,
}: {
  base: string;
  routes: readonly Route[];
  notFound: ReactNode;
}) {
  const path = usePath(base);
  const hit = matchRoute(routes, path);
  return <>{hit ? hit.route.render(hit.params) : notFound}</>;
}

export function Link({
  base,
  to,
  children,
  className,
  current,
}: {
  base: string;
  to: string;
  children: ReactNode;
  className?: string;
  /** Mark the link as the current page (aria-current="page"). */
  current?: boolean;
}) {
  const href = `${base}${to}`;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(base, to);
  };
  return (
    <a
      href={href}
      onClick={onClick}
      className={className}
      aria-current={current ? 'page' : undefined}
    >
      {children}
    </a>
  );
}
