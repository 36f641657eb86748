import { randomBytes } from 'node:crypto';
import { type CompletedResult, type TrustAnchors, verifyResult } from './verify.js';

export type Subject = { nationalId: string } | { phone: string };
export type HashType = 'SHA256' | 'SHA384' | 'SHA512';

export interface RunningView {
  state: 'RUNNING';
}
export type SessionView = RunningView | CompletedResult;

/** A problem body from the server (RFC 9457) as an exception. */
export class OpenMidApiError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, detail: string) {
    super(`${status} ${error}: ${detail}`);
    this.status = status;
    this.error = error;
    this.name = 'OpenMidApiError';
  }
}

export interface OpenMidClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Pin the CA: from `/pki/ca.pem` and `/pki/root.pem`, fetched once over a channel you trust. */
  anchors: TrustAnchors;
  fetch?: typeof fetch;
}

/**
 * The RP REST API (SPEC §4.3) as a typed client that verifies every result before returning it,
 * so an integrator cannot forget a check.
 */
export class OpenMidClient {
  readonly #options: OpenMidClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: OpenMidClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { clientId, clientSecret, baseUrl } = this.#options;
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(`${baseUrl}/rp/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok)
      throw new OpenMidApiError(
        response.status,
        String(json.error ?? 'unknown'),
        String(json.detail ?? text),
      );
    return json as T;
  }

  /** Start an authentication with a fresh random challenge; keep the returned challenge to verify. */
  async startAuthentication(request: {
    subject: Subject;
    displayText?: string;
    claims?: string[];
    vcChoice?: boolean;
  }): Promise<{ sessionId: string; verificationCode: string; challenge: Uint8Array }> {
    const challenge = randomBytes(32);
    const started = await this.#call<{ sessionId: string; verificationCode: string }>(
      'POST',
      '/authentication',
      { ...request, hash: challenge.toString('base64'), hashType: 'SHA256' },
    );
    return { ...started, challenge };
  }

  startSignature(request: {
    subject: Subject;
    hash: Uint8Array;
    hashType: HashType;
    displayText: string;
  }): Promise<{ sessionId: string; verificationCode: string }> {
    return this.#call('POST', '/signature', {
      ...request,
      hash: Buffer.from(request.hash).toString('base64'),
    });
  }

  startCertificateChoice(subject: Subject): Promise<{ sessionId: string }> {
    return this.#call('POST', '/certificate-choice', { subject });
  }

  /** One long poll (at most 30 s on the server). */
  poll(sessionId: string, timeoutMs = 25_000): Promise<SessionView> {
    return this.#call('GET', `/sessions/${encodeURIComponent(sessionId)}?timeoutMs=${timeoutMs}`);
  }

  cancel(sessionId: string): Promise<unknown> {
    return this.#call('DELETE', `/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** Long-poll until the session completes or `maxWaitMs` passes. */
  async waitForCompletion(sessionId: string, maxWaitMs = 180_000): Promise<CompletedResult> {
    const end = Date.now() + maxWaitMs;
    while (Date.now() < end) {
      const view = await this.poll(sessionId, Math.min(25_000, Math.max(1, end - Date.now())));
      if (view.state === 'COMPLETE') return view;
    }
    throw new OpenMidApiError(408, 'timeout', `session ${sessionId} did not complete in time`);
  }

  /** Wait for an authentication and verify it: returns the pairwise sub and the released claims. */
  async completeAuthentication(started: {
    sessionId: string;
    verificationCode: string;
    challenge: Uint8Array;
  }): Promise<{ sub: string; claims: Record<string, unknown>; result: CompletedResult }> {
    const result = await this.waitForCompletion(started.sessionId);
    const verified = await verifyResult(result, {
      kind: 'auth',
      clientId: this.#options.clientId,
      hash: started.challenge,
      verificationCode: started.verificationCode,
      anchors: this.#options.anchors,
    });
    const { sub: _sub, ...claims } = result.subject ?? { sub: '' };
    return { sub: verified.sub ?? '', claims, result };
  }

  /** Wait for a hash signature and verify it over the digest the RP sent. */
  async completeSignature(sessionId: string, hash: Uint8Array): Promise<CompletedResult> {
    const result = await this.waitForCompletion(sessionId);
    await verifyResult(result, {
      kind: 'sign',
      clientId: this.#options.clientId,
      hash,
      anchors: this.#options.anchors,
    });
    return result;
  }
}
