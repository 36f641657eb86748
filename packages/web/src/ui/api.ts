/** An RFC 9457 problem the platform answered with (SPEC §4.3), or a network failure. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;

  constructor(status: number, code: string, title: string, detail?: string) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
  }

  /** No answer at all (offline, DNS, reset): status 0. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export interface ApiOptions extends Omit<RequestInit, 'body'> {
  /** Sent as JSON. */
  json?: unknown;
  body?: BodyInit;
}

/**
 * fetch() a platform API on this origin: JSON in and out, problem bodies turned into ApiProblem
 * so screens can show the title and act on the stable `error` code.
 */
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const { json, headers, ...rest } = options;
  const h = new Headers(headers);
  let body = rest.body;
  if (json !== undefined) {
    h.set('content-type', 'application/json');
    body = JSON.stringify(json);
  }
  if (!h.has('accept')) h.set('accept', 'application/json, application/problem+json');
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...rest, headers: h, body });
  } catch (error) {
    throw new ApiProblem(0, 'network', 'No connection', String(error));
  }
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    if (type.includes('json')) {
      const problem = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      throw new ApiProblem(
        res.status,
        typeof problem.error === 'string' ? problem.error : `http_${res.status}`,
        typeof problem.title === 'string' ? problem.title : res.statusText,
        typeof problem.detail === 'string' ? problem.detail : undefined,
      );
    }
    throw new ApiProblem(res.status, `http_${res.status}`, res.statusText);
  }
  if (res.status === 204) return undefined as T;
  if (type.includes('json')) return (await res.json()) as T;
  return (await res.text()) as T;
}
