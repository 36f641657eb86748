import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activatedPerson,
  challenge,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A push service on 127.0.0.1 that records what it receives and answers with `status`. */
async function fakePushService(status: () => number) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = status();
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Resolves when `count` pushes have arrived (the test's own timeout bounds it). */
    async until(count: number): Promise<void> {
      while (received.length < count) await new Promise<void>((r) => waiters.push(r));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a browser's PushManager makes: a P-256 key pair and a 16-byte auth secret. */
function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint,
    keys: {
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

describe('Web Push to the wallet (VAPID, RFC 8030/8291/8292)', () => {
  let node: TestNode;
  let rp: TestClient;
  let leyla: TestDevice;
  let push: Awaited<ReturnType<typeof fakePushService>>;
  let answer = 201;

  beforeAll(async () => {
    node = await startTestNode({
      env: {
        PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
        PUSH_SUBJECT: 'mailto:ops@openmid.test',
        SESSION_PERSON_LIMIT_PER_MINUTE: '1000',
      },
    });
    rp = await registerClient(node, { client_name: 'ASAN Bank' });
    leyla = await activatedPerson(node);
    push = await fakePushService(() => answer);
  });
  afterAll(async () => {
    await node?.stop();
    await push?.close();
  });

  const startAuth = async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: leyla.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status, await r.clone().text()).toBe(201);
    return (await r.json()) as { sessionId: string };
  };

  it('publishes one VAPID public key, made once and sealed at rest', async () => {
    const r = await node.request('/device/v1/push/key');
    expect(r.status).toBe(200);
    const { publicKey } = (await r.json()) as { publicKey: string };
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(await leyla.device.pushKey()).toBe(publicKey);
    const row = await node.ctx.db
      .selectFrom('push_vapid_keys')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.public_key).toBe(publicKey);
    expect(row.private_key_sealed).toMatch(/^v1\./);
    const opened = node.ctx.vault.open(row.private_key_sealed, 'vapid-private-key');
    expect(opened).toHaveLength(32);
    expect(row.private_key_sealed).not.toContain(opened.toString('base64url'));
  });

  it('pushes an encrypted message with a VAPID JWT when a request for the device starts', async () => {
    const subscription = browserSubscription(`${push.url}/push/leyla-1`);
    await leyla.device.subscribePush(subscription);
    const stored = await node.ctx.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('device_id', '=', leyla.deviceId)
      .executeTakeFirstOrThrow();
    expect(stored.subscription_sealed).not.toContain('leyla-1');

    const before = push.received.length;
    const { sessionId } = await startAuth();
    await push.until(before + 1);
    const got = push.received[before] as Received;
    expect(got.path).toBe('/push/leyla-1');
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(Number(got.headers.ttl)).toBeGreaterThan(0);
    expect(got.headers.urgency).toBe('high');
    // RFC 8188 record: 16-byte salt, 4-byte record size, key id length 65, then ciphertext.
    expect(got.body.length).toBeGreaterThan(86);
    expect(got.body[20]).toBe(65);
    // The plaintext names the session; the encrypted body must not.
    expect(got.body.toString('latin1')).not.toContain(sessionId);

    const auth = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(got.headers.authorization ?? '');
    expect(auth, got.headers.authorization).not.toBeNull();
    const [, jwt, k] = auth as RegExpExecArray;
    expect(k).toBe(await leyla.device.pushKey());
    const point = Buffer.from(k as string, 'base64url');
    const key = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
      'ES256',
    );
    const { payload, protectedHeader } = await jwtVerify(jwt as string, key, {
      audience: push.url,
      subject: 'mailto:ops@openmid.test',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect((payload.exp as number) * 1000).toBeGreaterThan(Date.now());
    // The wallet answers it as usual.
    const [request] = await leyla.device.pendingRequests({ timeoutMs: 0 });
    expect(request?.sessionId).toBe(sessionId);
    await leyla.device.refuse(request as NonNullable<typeof request>);
  });

  it('never blocks or fails the request when the push service is down, slow or says gone', async () => {
    // Nothing listens on this port.
    await leyla.device.subscribePush(browserSubscription('http://127.0.0.1:9/push/dead'));
    const { sessionId } = await startAuth();
    const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
    expect(request?.sessionId).toBe(sessionId);
    await leyla.device.refuse(request as NonNullable<typeof request>);

    // 410 Gone: the subscription is dropped (RFC 8030 §7.3).
    answer = 410;
    await leyla.device.subscribePush(browserSubscription(`${push.url}/push/gone`));
    const before = push.received.length;
    await startAuth();
    await push.until(before + 1);
    await node.ctx.push.drain();
    const left = await node.ctx.db
      .selectFrom('push_subscriptions')
      .select('device_id')
      .where('device_id', '=', leyla.deviceId)
      .execute();
    expect(left).toEqual([]);
    answer = 201;
  });

  it('unsubscribes, and refuses malformed subscriptions and calls without a device proof', async () => {
    await leyla.device.subscribePush(browserSubscription(`${push.url}/push/again`));
    await leyla.device.unsubscribePush();
    const before = push.received.length;
    const { sessionId } = await startAuth();
    const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
    expect(request?.sessionId).toBe(sessionId);
    await leyla.device.refuse(request as NonNullable<typeof request>);
    await node.ctx.push.drain();
    expect(push.received.length).toBe(before);

    const good = browserSubscription(`${push.url}/push/x`);
    const bad = [
      { ...good, endpoint: 'ftp://127.0.0.1/x' },
      { ...good, endpoint: 'not a url at all' },
      { ...good, endpoint: `http://user:pw@127.0.0.1:1/x` },
      { ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: 'AAAA' } },
    ];
    for (const body of bad) {
      await expect(leyla.device.subscribePush(body)).rejects.toMatchObject({ status: 400 });
    }
    const anonymous = await node.request('/device/v1/push/subscription', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(good),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('Web Push SSRF guard (no PUSH_ALLOW_PRIVATE_ENDPOINTS)', () => {
  let node: TestNode;
  let leyla: TestDevice;
  beforeAll(async () => {
    node = await startTestNode();
    leyla = await activatedPerson(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('refuses http, loopback, private, link-local and local-name endpoints', async () => {
    for (const endpoint of [
      'http://push.example.com/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data',
      'https://192.168.1.1/x',
      'https://localhost/x',
      'https://metadata.internal/x',
      'https://2130706433/x',
    ]) {
      await expect(
        leyla.device.subscribePush(browserSubscription(endpoint)),
        endpoint,
      ).rejects.toMatchObject({ status: 400 });
    }
    await leyla.device.subscribePush(browserSubscription('https://push.example.com/send/abc'));
  });
});
