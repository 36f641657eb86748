import { createPublicKey } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { PushSubscriptionRequest } from '@openmid/protocol';
import webpush from 'web-push';
import { isNonPublicAddress, isNonPublicHost } from '../clients/url-policy.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import {
  countPushFailure,
  deletePushSubscription,
  findPushSubscription,
  findVapidKeys,
  insertVapidKeysIfAbsent,
  resetPushFailures,
  upsertPushSubscription,
} from './push-store.js';

const VAPID_LABEL = 'vapid-private-key';
const SUBSCRIPTION_LABEL = 'push-subscription';
/** Longest push endpoint URL accepted (real ones are a few hundred characters). */
export const PUSH_ENDPOINT_MAX = 1024;
/** A delivery that takes longer is abandoned. */
const PUSH_TIMEOUT_MS = 10_000;
/** Consecutive failed deliveries before the subscription is dropped. */
const MAX_FAILURES = 5;

/** What the wallet's service worker receives (encrypted end to end, RFC 8291). */
export interface PushMessage {
  type: 'request';
  sessionId: string;
  kind: string;
  rpName: string;
}

export interface PushService {
  /** The VAPID public key (base64url uncompressed point), made and sealed on first use. */
  publicKey(): Promise<string>;
  /** Validate and keep the device's subscription (one per device; a new one replaces it). */
  subscribe(db: Db, deviceId: string, subscription: PushSubscriptionRequest): Promise<void>;
  unsubscribe(db: Db, deviceId: string): Promise<boolean>;
  /**
   * Wake the device's wallet. Fire and forget: never throws, never delays the caller; failures
   * are logged and counted, and a subscription the push service calls gone is dropped.
   */
  notifyDevice(deviceId: string, message: PushMessage): void;
  /** Wait for deliveries in flight (node shutdown). */
  drain(): Promise<void>;
  /** Where failed deliveries are reported (the node's logger once the app is built). */
  useLogger(log: PushLogger): void;
}

export interface PushLogger {
  warn(obj: unknown, msg: string): void;
}

export interface PushDeps {
  db: Db;
  vault: KeyVault;
  subject: string;
  allowPrivateEndpoints: boolean;
  /** TTL of a push in seconds (the session timeout: later it is useless). */
  ttlSeconds: number;
}

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** An uncompressed point on P-256 (node checks the curve equation on import). */
function isP256Point(b64url: string): boolean {
  const point = Buffer.from(b64url, 'base64url');
  if (point[0] !== 4) return false;
  try {
    createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
    });
    return true;
  } catch {
    return false;
  }
}

function decodedLength(value: string): number {
  return Buffer.from(value, 'base64url').length;
}

/**
 * Check a subscription the browser gave: an https endpoint on a public host (SSRF: the server
 * will POST to it), an uncompressed P-256 point and a 16-byte auth secret (RFC 8291).
 */
export function validateSubscription(
  subscription: PushSubscriptionRequest,
  allowPrivate: boolean,
): URL {
  let url: URL;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    throw new AppError('invalid_request', 'endpoint is not a URL');
  }
  if (subscription.endpoint.length > PUSH_ENDPOINT_MAX) {
    throw new AppError('invalid_request', `endpoint is longer than ${PUSH_ENDPOINT_MAX}`);
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new AppError('invalid_request', 'endpoint must be an https URL');
  }
  if (url.username || url.password) {
    throw new AppError('invalid_request', 'endpoint must not carry credentials');
  }
  if (!allowPrivate && isNonPublicHost(url.hostname)) {
    throw new AppError('invalid_request', 'endpoint must be on a public host');
  }
  const { p256dh, auth } = subscription.keys;
  if (!B64URL.test(p256dh) || decodedLength(p256dh) !== 65 || !isP256Point(p256dh)) {
    throw new AppError('invalid_encoding', 'keys.p256dh must be an uncompressed P-256 point');
  }
  if (!B64URL.test(auth) || decodedLength(auth) !== 16) {
    throw new AppError('invalid_encoding', 'keys.auth must be 16 bytes (base64url)');
  }
  return url;
}

/**
 * DNS lookup that refuses non-public addresses (every address of the name is checked, so a name
 * that resolves to both cannot slip through), used at connect time: no DNS-rebinding window.
 */
export function publicOnlyLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 4);
        return;
      }
      const bad = addresses.find((a) => isNonPublicAddress(a.address));
      if (!allowPrivate && bad) {
        const refused = Object.assign(new Error(`push endpoint resolves to ${bad.address}`), {
          code: 'ENONPUBLIC',
        });
        callback(refused, '', 4);
        return;
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 4);
      else callback(null, first.address, first.family);
    });
  };
}

function post(
  url: URL,
  headers: Record<string, string | number>,
  body: Buffer | null,
  allowPrivate: boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers,
        lookup: publicOnlyLookup(allowPrivate),
        timeout: PUSH_TIMEOUT_MS,
        agent: false,
      },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('push delivery timed out')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

export function createPushService(deps: PushDeps): PushService {
  let keys: Promise<{ publicKey: string; privateKey: string }> | undefined;
  const vapid = () => {
    keys ??= (async () => {
      let row = await findVapidKeys(deps.db);
      if (!row) {
        const made = webpush.generateVAPIDKeys();
        await insertVapidKeysIfAbsent(deps.db, {
          publicKey: made.publicKey,
          privateKeySealed: deps.vault.seal(Buffer.from(made.privateKey, 'base64url'), VAPID_LABEL),
        });
        row = await findVapidKeys(deps.db);
        if (!row) throw new Error('the VAPID key pair was not stored');
      }
      const privateKey = deps.vault.open(row.privateKeySealed, VAPID_LABEL).toString('base64url');
      return { publicKey: row.publicKey, privateKey };
    })().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  };
  const inFlight = new Set<Promise<void>>();
  let log: PushLogger = { warn: () => {} };

  async function deliver(deviceId: string, message: PushMessage): Promise<void> {
    const stored = await findPushSubscription(deps.db, deviceId);
    if (!stored) return;
    const subscription = JSON.parse(
      deps.vault.open(stored.sealed, SUBSCRIPTION_LABEL).toString('utf8'),
    ) as PushSubscriptionRequest;
    const url = new URL(subscription.endpoint);
    if (!deps.allowPrivateEndpoints && isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
      // Literal addresses skip the lookup; judge them here.
      if (isNonPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
        throw new Error('push endpoint is a non-public address');
      }
    }
    const { publicKey, privateKey } = await vapid();
    const details = webpush.generateRequestDetails(subscription, JSON.stringify(message), {
      vapidDetails: { subject: deps.subject, publicKey, privateKey },
      TTL: deps.ttlSeconds,
      urgency: 'high',
      topic: 'request',
    });
    const headers: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(details.headers)) headers[k] = v as string | number;
    const status = await post(
      url,
      headers,
      details.body ? Buffer.from(details.body) : null,
      deps.allowPrivateEndpoints,
    );
    if (status === 404 || status === 410) {
      // RFC 8030 §7.3: the subscription expired or was unsubscribed.
      await deletePushSubscription(deps.db, deviceId);
      return;
    }
    if (status < 200 || status >= 300) throw new Error(`push service answered ${status}`);
    if (stored.failures > 0) await resetPushFailures(deps.db, deviceId);
  }

  return {
    async publicKey() {
      return (await vapid()).publicKey;
    },
    async subscribe(db, deviceId, subscription) {
      validateSubscription(subscription, deps.allowPrivateEndpoints);
      const json = JSON.stringify({
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
      });
      await upsertPushSubscription(
        db,
        deviceId,
        deps.vault.seal(Buffer.from(json, 'utf8'), SUBSCRIPTION_LABEL),
      );
    },
    unsubscribe(db, deviceId) {
      return deletePushSubscription(db, deviceId);
    },
    notifyDevice(deviceId, message) {
      const run = deliver(deviceId, message).catch(async (err: unknown) => {
        log.warn({ err, deviceId }, 'web push delivery failed');
        try {
          const failures = await countPushFailure(deps.db, deviceId);
          if (failures >= MAX_FAILURES) await deletePushSubscription(deps.db, deviceId);
        } catch (countErr) {
          log.warn({ err: countErr }, 'counting a failed web push failed');
        }
      });
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
    useLogger(logger) {
      log = logger;
    },
  };
}
