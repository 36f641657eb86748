/**
 * A minimal browser for the log-in flow over HTTP: a cookie jar (host-only, path-aware enough for
 * oidc-provider's cookies) and redirects followed by hand, so a test sees every hop.
 */
export class TestBrowser {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  #cookieHeader(url: URL): string {
    const parts: string[] = [];
    for (const [name, c] of this.#cookies) {
      if (url.pathname.startsWith(c.path)) parts.push(`${name}=${c.value}`);
    }
    return parts.join('; ');
  }

  #store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v] = attr.trim().split('=');
        if (k?.toLowerCase() === 'path' && v) path = v;
        if (k?.toLowerCase() === 'expires' && v && new Date(v).getTime() < Date.now())
          expired = true;
        if (k?.toLowerCase() === 'max-age' && v !== undefined && Number(v) <= 0) expired = true;
      }
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const cookie = this.#cookieHeader(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(res);
    return res;
  }

  /** GET and follow redirects until a non-redirect answer or a URL outside `origin`. */
  async navigate(
    input: string | URL,
    origin: string,
  ): Promise<{ url: URL; response: Response | undefined }> {
    let url = new URL(input);
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin !== origin) return { url, response: undefined };
      const res = await this.fetch(url, { headers: { accept: 'text/html' } });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        url = new URL(location, url);
        continue;
      }
      return { url, response: res };
    }
    throw new Error('too many redirects');
  }
}
