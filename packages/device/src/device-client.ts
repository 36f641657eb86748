import {
  type ActivationRequest,
  type ActivationResponse,
  type CredentialResponse,
  DEVICE_API_PREFIX,
  type DeviceAnswer,
  type DeviceAnswerResponse,
  type DeviceEvent,
  type DeviceStatusResponse,
  type HistoryKind,
  type HistoryResponse,
  type PendingRequest,
  type PendingRequestsResponse,
  type PresentationReport,
  type PushKeyResponse,
  type PushSubscriptionRequest,
  type QrClaimRequest,
} from '@openmid/protocol';
import type { JWK } from 'jose';
import { encodeBase64 } from './base64.js';
import { type ApproveOptions, createApproval } from './device-answer.js';
import { DeviceError } from './device-error.js';
import { createDeviceProof } from './device-proof.js';
import type { KeyProvisioning, KeyStore } from './key-store.js';

/** What a device keeps about its activation (no secrets: those are in the key store). */
export interface DeviceRegistration {
  serverUrl: string;
  deviceId: string;
  person: ActivationResponse['person'];
  /** base64 DER */
  authCertificate: string;
  signCertificate: string;
  caChain: string[];
}

type Fetch = typeof globalThis.fetch;

/** Signs device proofs: the device key of a key store, or of keys being provisioned. */
interface DeviceKeyHolder {
  devicePublicJwk(): Promise<JWK>;
  deviceSigningKey(): Promise<CryptoKey>;
}

export interface ActivateOptions {
  serverUrl: string;
  activationCode: string;
  provisioning: KeyProvisioning;
  deviceName?: string;
  fetch?: Fetch;
}

export interface DeviceClientOptions {
  serverUrl: string;
  keyStore: KeyStore;
  fetch?: Fetch;
}

/** Longest long poll asked of the server in one call (the server caps it too). */
export const MAX_POLL_MS = 30_000;

/**
 * The device side of `/device/v1` (protocol/src/device-api.ts). Every call carries a fresh
 * device proof signed by the device key; PIN-protected keys sign only answers.
 */
export class DeviceClient {
  readonly serverUrl: string;
  readonly keyStore: KeyStore;
  readonly #http: DeviceHttp;

  constructor(options: DeviceClientOptions) {
    this.serverUrl = options.serverUrl;
    this.keyStore = options.keyStore;
    this.#http = new DeviceHttp(options.serverUrl, options.keyStore, options.fetch);
  }

  /**
   * Activate with the officer's code (F4): sends both CSRs under a proof of the device key,
   * then seals the keys under the PUK the server releases once. The PUK is not kept.
   */
  static async activate(
    options: ActivateOptions,
  ): Promise<{ registration: DeviceRegistration; keyStore: KeyStore }> {
    const { provisioning } = options;
    const body: ActivationRequest = {
      activationCode: options.activationCode,
      authCsr: encodeBase64(await provisioning.createCsr('auth')),
      signCsr: encodeBase64(await provisioning.createCsr('sign')),
      ...(options.deviceName === undefined ? {} : { deviceName: options.deviceName }),
    };
    const http = new DeviceHttp(options.serverUrl, provisioning, options.fetch);
    const response = await http.call<ActivationResponse>('POST', '/activations', body);
    const keyStore = await provisioning.complete(response.puk);
    return {
      keyStore,
      registration: {
        serverUrl: options.serverUrl,
        deviceId: response.deviceId,
        person: response.person,
        authCertificate: response.authCertificate,
        signCertificate: response.signCertificate,
        caChain: response.caChain,
      },
    };
  }

  /** Long poll for requests waiting for this device (empty after `timeoutMs` without any). */
  async pendingRequests(
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<PendingRequest[]> {
    const timeoutMs = Math.max(0, Math.min(options.timeoutMs ?? MAX_POLL_MS, MAX_POLL_MS));
    const response = await this.#http.call<PendingRequestsResponse>(
      'GET',
      `/requests?timeoutMs=${timeoutMs}`,
      undefined,
      options.signal,
    );
    return response.requests;
  }

  answer(sessionId: string, answer: DeviceAnswer): Promise<DeviceAnswerResponse> {
    return this.#http.call<DeviceAnswerResponse>(
      'POST',
      `/requests/${encodeURIComponent(sessionId)}/response`,
      answer,
    );
  }

  /** Approve with the PIN of the request's key (see createApproval). */
  async approve(
    request: PendingRequest,
    pin: string,
    options: ApproveOptions = {},
  ): Promise<DeviceAnswerResponse> {
    return this.answer(
      request.sessionId,
      await createApproval(this.keyStore, request, pin, options),
    );
  }

  refuse(request: PendingRequest): Promise<DeviceAnswerResponse> {
    return this.answer(request.sessionId, { decision: 'refuse' });
  }

  /** Refuse and report that the citizen did not start it (F13). */
  notMe(request: PendingRequest): Promise<DeviceAnswerResponse> {
    return this.answer(request.sessionId, { decision: 'not_me' });
  }

  /** End a request the blocked key cannot answer (endResult PIN_BLOCKED). */
  answerPinBlocked(request: PendingRequest): Promise<DeviceAnswerResponse> {
    return this.answer(request.sessionId, { decision: 'pin_blocked' });
  }

  async sendEvent(event: DeviceEvent): Promise<void> {
    await this.#http.call<unknown>('POST', '/events', event);
  }

  status(): Promise<DeviceStatusResponse> {
    return this.#http.call<DeviceStatusResponse>('GET', '/status');
  }

  /** The citizen's usage log (F22), newest first; pass `next` as `before` for older entries. */
  history(
    query: { kind?: HistoryKind; before?: string; limit?: number } = {},
  ): Promise<HistoryResponse> {
    const params = new URLSearchParams();
    if (query.kind) params.set('kind', query.kind);
    if (query.before) params.set('before', query.before);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const q = params.toString();
    return this.#http.call<HistoryResponse>('GET', `/history${q ? `?${q}` : ''}`);
  }

  /** The device's digital ID card (F20): issued for its key, re-issued when the data changed. */
  credential(): Promise<CredentialResponse> {
    return this.#http.call<CredentialResponse>('GET', '/credential');
  }

  /** Log an offline presentation of the ID card for the usage log (F21, F22): claim names only. */
  async reportPresentation(report: PresentationReport): Promise<void> {
    await this.#http.call<unknown>('POST', '/presentations', report);
  }

  /** The server's VAPID public key (the applicationServerKey to subscribe with). */
  async pushKey(): Promise<string> {
    return (await this.#http.call<PushKeyResponse>('GET', '/push/key')).publicKey;
  }

  /** Register this device's Web Push subscription (PushSubscription.toJSON()). */
  async subscribePush(subscription: PushSubscriptionRequest): Promise<void> {
    await this.#http.call<unknown>('PUT', '/push/subscription', {
      endpoint: subscription.endpoint,
      keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
    });
  }

  async unsubscribePush(): Promise<void> {
    await this.#http.call<unknown>('DELETE', '/push/subscription');
  }

  /**
   * The wallet scanned an RP's QR code or opened its device link (F11): the session becomes this
   * device's pending request (returned when the server sends it back, and in `pendingRequests`).
   */
  async claimQr(qr: string): Promise<PendingRequest | undefined> {
    const body: QrClaimRequest = { qr };
    const claimed = await this.#http.call<PendingRequest | undefined>('POST', '/qr', body);
    return claimed && typeof claimed === 'object' && 'sessionId' in claimed ? claimed : undefined;
  }
}

class DeviceHttp {
  readonly #base: string;
  readonly #keys: DeviceKeyHolder;
  readonly #fetch: Fetch;

  constructor(serverUrl: string, keys: DeviceKeyHolder, fetchImpl: Fetch | undefined) {
    let base: URL;
    try {
      base = new URL(serverUrl);
    } catch {
      throw new DeviceError('NETWORK', `not a URL: ${serverUrl}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new DeviceError('NETWORK', `not an http(s) URL: ${serverUrl}`);
    }
    this.#base = `${base.origin}${base.pathname.replace(/\/+$/, '')}${DEVICE_API_PREFIX}`;
    this.#keys = keys;
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const url = `${this.#base}${path}`;
    const proof = await createDeviceProof({
      key: await this.#keys.deviceSigningKey(),
      publicJwk: await this.#keys.devicePublicJwk(),
      method,
      url,
    });
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          dpop: proof,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new DeviceError('NETWORK', `cannot reach ${new URL(url).origin}: ${reason(cause)}`, {
        cause,
      });
    }
    const text = await response.text();
    if (!response.ok) throw problemError(method, path, response.status, text);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new DeviceError('NETWORK', `${method} ${path}: the server's answer is not JSON`, {
        cause,
      });
    }
  }
}

function problemError(method: string, path: string, status: number, text: string): DeviceError {
  let error: string | undefined;
  let detail: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown; detail?: unknown; title?: unknown };
    if (typeof body.error === 'string') error = body.error;
    if (typeof body.detail === 'string') detail = body.detail;
    else if (typeof body.title === 'string') detail = body.title;
  } catch {
    // not a problem body: the status says enough
  }
  const what = [error, detail].filter(Boolean).join(': ') || `HTTP ${status}`;
  return new DeviceError('SERVER', `${method} ${path.split('?')[0]} → ${status} ${what}`, {
    status,
    ...(error === undefined ? {} : { error }),
  });
}

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}
