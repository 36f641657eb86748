import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { type Citizen, PIN1, registerCitizen } from './support/citizen.js';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/** A throwaway TLS certificate for localhost (CIBA requires an https ping endpoint). */
function localhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'openmid-rp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Trust the RP's certificate in this test process's fetch: a new global dispatcher of the same
 * class, as oidc-provider builds its own. Returns the function that restores the previous one.
 */
function trustInFetch(ca: string): () => void {
  const key = Symbol.for('undici.globalDispatcher.1');
  const holder = globalThis as unknown as Record<
    symbol,
    { constructor: new (o: unknown) => unknown }
  >;
  const previous = holder[key];
  if (!previous) throw new Error('no global fetch dispatcher');
  holder[key] = new previous.constructor({ connect: { ca } }) as never;
  return () => {
    holder[key] = previous;
  };
}

/** The RP's side: its jwks_uri (the pairwise sector) and its ping endpoint, over https. */
async function startRp(publicJwk: Record<string, unknown>, tls: { key: string; cert: string }) {
  const pings: unknown[] = [];
  let notify: (() => void) | undefined;
  const server: Server = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    if (req.url === '/ping' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        pings.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res.statusCode = 204;
        res.end();
        notify?.();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `https://localhost:${port}`,
    pings,
    nextPing: () =>
      new Promise<void>((resolve) => {
        notify = resolve;
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('CIBA poll and ping — OpenID CIBA Core 1.0, F12', () => {
  let node: TestNode;
  let citizen: Citizen;
  let rp: Awaited<ReturnType<typeof startRp>>;
  let privateKey: CryptoKey;
  let pollClient: oidc.Configuration;
  let pollClientId: string;
  let pingClient: oidc.Configuration;
  let untrust: () => void;

  const configFor = (clientId: string) =>
    oidc.discovery(new URL(node.url), clientId, undefined, oidc.PrivateKeyJwt(privateKey), {
      execute: [oidc.allowInsecureRequests],
    });

  beforeAll(async () => {
    node = await startTestNode({ env: { OIDC_CIBA_INTERVAL_SECONDS: '1' } });
    const keys = await generateKeyPair('ES256', { extractable: true });
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), alg: 'ES256', use: 'sig', kid: 'rp-1' };
    const tls = localhostCertificate();
    untrust = trustInFetch(tls.cert);
    rp = await startRp(jwk, tls);
    const register = async (mode: 'poll' | 'ping') => {
      const { client } = await node.ctx.clients.register(
        node.ctx.db,
        {
          client_name: `Call centre (${mode})`,
          environment: 'sandbox',
          grant_types: [CIBA_GRANT],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: `${rp.base}/jwks`,
          backchannel_token_delivery_mode: mode,
          ...(mode === 'ping'
            ? { backchannel_client_notification_endpoint: `${rp.base}/ping` }
            : {}),
          allowed_claims: ['given_name', 'family_name'],
        },
        'operator:test',
      );
      return client.clientId;
    };
    pollClientId = await register('poll');
    pollClient = await configFor(pollClientId);
    pingClient = await configFor(await register('ping'));
    citizen = await registerCitizen(node);
  });
  afterAll(async () => {
    await node?.stop();
    await rp?.close();
    untrust?.();
  });

  const tokenPoll = (authReqId: string) =>
    oidc
      .genericGrantRequest(pollClient, CIBA_GRANT, { auth_req_id: authReqId })
      .catch((e: unknown) => e as oidc.ResponseBodyError);

  it('poll: authorization_pending, slow_down, then tokens with the pairwise sub and approved claims', async () => {
    const started = await oidc.initiateBackchannelAuthentication(pollClient, {
      scope: 'openid profile',
      login_hint: citizen.nationalId,
      binding_message: 'Declaration 2026/17',
    });
    expect(started.interval).toBe(1);
    const pending = await tokenPoll(started.auth_req_id);
    expect(pending).toMatchObject({ error: 'authorization_pending' });
    const tooFast = await tokenPoll(started.auth_req_id);
    expect(tooFast).toMatchObject({ error: 'slow_down' });

    const request = await citizen.nextRequest();
    expect(request.displayText).toBe('Declaration 2026/17');
    expect(request.claims?.sort()).toEqual(['family_name', 'given_name']);
    await citizen.device.approve(request, PIN1, { approvedClaims: ['family_name'] });

    const tokens = await oidc.pollBackchannelAuthenticationGrant(pollClient, started);
    const claims = tokens.claims();
    const record = await node.ctx.clients.get(node.ctx.db, pollClientId);
    expect(claims?.sub).toBe(
      node.ctx.clients.pairwiseSubject(record as NonNullable<typeof record>, citizen.personId),
    );
    const userinfo = await oidc.fetchUserInfo(
      pollClient,
      tokens.access_token,
      claims?.sub as string,
    );
    expect(userinfo.family_name).toBe('Mammadova');
    expect(userinfo).not.toHaveProperty('given_name');
  });

  it('poll: access_denied when the citizen refuses on the phone', async () => {
    const started = await oidc.initiateBackchannelAuthentication(pollClient, {
      scope: 'openid',
      login_hint: citizen.phone,
    });
    const request = await citizen.nextRequest();
    await citizen.device.refuse(request);
    const result = await oidc
      .pollBackchannelAuthenticationGrant(pollClient, started)
      .catch((e: unknown) => e);
    expect(result).toMatchObject({ error: 'access_denied' });
  });

  it('ping: notifies the client endpoint, then the token request succeeds', async () => {
    const pinged = rp.nextPing();
    const started = await oidc.initiateBackchannelAuthentication(pingClient, {
      scope: 'openid',
      login_hint: citizen.nationalId,
      client_notification_token: 'notify-me-0123456789',
    });
    const request = await citizen.nextRequest();
    await citizen.device.approve(request, PIN1);
    await pinged;
    expect(rp.pings.at(-1)).toEqual({
      authorization: 'Bearer notify-me-0123456789',
      body: { auth_req_id: started.auth_req_id },
    });
    const tokens = await oidc.genericGrantRequest(pingClient, CIBA_GRANT, {
      auth_req_id: started.auth_req_id,
    });
    expect(typeof tokens.id_token).toBe('string');
  });

  it('refuses an unknown user, a malformed login_hint and a control character in binding_message', async () => {
    await expect(
      oidc.initiateBackchannelAuthentication(pollClient, {
        scope: 'openid',
        login_hint: 'PNOAZ-0000001',
      }),
    ).rejects.toMatchObject({ error: 'unknown_user_id' });
    await expect(
      oidc.initiateBackchannelAuthentication(pollClient, { scope: 'openid', login_hint: 'bob' }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
    await expect(
      oidc.initiateBackchannelAuthentication(pollClient, {
        scope: 'openid',
        login_hint: citizen.nationalId,
        binding_message: 'a\u0007b',
      }),
    ).rejects.toMatchObject({ error: 'invalid_binding_message' });
  });
});
