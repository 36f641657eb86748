// OIDC token endpoint (F12): authorization-code exchanges per second through our provider
// (the real server: database adapter, ClientService secret check, registry account, pairwise sub,
// ES256 ID token) beside a bare oidc-provider with its in-memory adapter and a static client in the
// same run; our overhead is the ratio. Codes are minted in-process with each provider's own
// AuthorizationCode model, so only the exchange is timed. Loopback only, bounded in time.
// Needs a build (npm run build). BENCH_OIDC_SECONDS (default 5 per side), BENCH_OIDC_CONCURRENCY (8).
// PGlite always; PostgreSQL too when DATABASE_URL is set (a scratch database, dropped after).
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { loadConfig } from '../packages/server/dist/config.js';
import { openPglite, openPostgres } from '../packages/server/dist/db/db.js';
import { migrateToLatest } from '../packages/server/dist/db/migrate.js';
import { startNode } from '../packages/server/dist/node.js';

const SECONDS = Number(process.env.BENCH_OIDC_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_OIDC_CONCURRENCY ?? 8);
/** Codes minted per round (the memory adapter is an LRU: keep well under its size). */
const BATCH = 200;
const REDIRECT = 'https://rp.example/cb';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

async function mintCodes(provider, clientId, accountId, n) {
  const client = await provider.Client.find(clientId);
  const codes = [];
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId,
      grantId,
      client,
      redirectUri: REDIRECT,
      scope: 'openid',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000),
      sessionUid: randomBytes(8).toString('hex'),
    });
    codes.push(await code.save());
  }
  return codes;
}

/** Rounds of: mint a batch of codes (not timed), exchange them (timed), until SECONDS of exchanges. */
async function measure(base, clientId, secret, mint) {
  const authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  let done = 0;
  let timed = 0;
  while (timed < SECONDS * 1000) {
    const codes = await mint(BATCH);
    let next = 0;
    const started = performance.now();
    async function worker() {
      while (next < codes.length) {
        const code = codes[next++];
        const res = await fetch(`${base}/oidc/token`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: REDIRECT,
            code_verifier: verifier,
          }),
        });
        const body = await res.json();
        if (res.status !== 200 || !body.id_token)
          throw new Error(`exchange failed: ${JSON.stringify(body)}`);
        done++;
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    timed += performance.now() - started;
  }
  return (done / timed) * 1000;
}

async function bare() {
  const { privateKey } = await import('node:crypto').then((c) =>
    c.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  );
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' };
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(base, {
    clients: [
      {
        client_id: 'bench',
        client_secret: 'bench-secret-0123456789',
        redirect_uris: [REDIRECT],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    routes: { token: '/oidc/token' },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    cookies: { keys: ['bench-cookie-key'] },
  });
  server.on('request', provider.callback());
  try {
    return await measure(base, 'bench', 'bench-secret-0123456789', (n) =>
      mintCodes(provider, 'bench', 'person-1', n),
    );
  } finally {
    server.close();
  }
}

async function ours(database) {
  await migrateToLatest(database.db);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    STH_INTERVAL_MS: '0',
    DATA_DIR: '/nonexistent-openmid-bench',
    SANDBOX: 'false',
  });
  const node = await startNode(config, { database, logger: false });
  try {
    const { client, clientSecret } = await node.ctx.clients.register(
      node.ctx.db,
      { client_name: 'Bench RP', environment: 'sandbox', redirect_uris: [REDIRECT] },
      'operator:bench',
    );
    const person = await node.ctx.registry.createPerson(
      node.ctx.db,
      {
        nationalId: `PNOAZ-${String(Date.now()).slice(-7)}`,
        givenName: 'Bench',
        familyName: 'Person',
        birthDate: '1990-01-01',
      },
      'operator:bench',
    );
    const { provider } = node.oidc.current();
    return await measure(node.url, client.clientId, clientSecret, (n) =>
      mintCodes(provider, client.clientId, person.id, n),
    );
  } finally {
    await node.stop();
  }
}

console.log(
  `token endpoint: authorization_code + PKCE exchanges, ${CONCURRENCY} concurrent, ≤ ${SECONDS} s each`,
);
const reference = await bare();
console.log(`bare oidc-provider (memory adapter)  ${reference.toFixed(0).padStart(6)}/s`);
const lite = await openPglite(undefined);
const ourRate = await ours(lite);
console.log(
  `OpenMID, PGlite                      ${ourRate.toFixed(0).padStart(6)}/s = ${(ourRate / reference).toFixed(2)}× bare`,
);
if (process.env.DATABASE_URL) {
  const pg = (await import('pg')).default;
  const dbName = `openmid_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${dbName}`;
  try {
    const rate = await ours(await openPostgres(url.toString()));
    console.log(
      `OpenMID, PostgreSQL                  ${rate.toFixed(0).padStart(6)}/s = ${(rate / reference).toFixed(2)}× bare`,
    );
  } finally {
    await admin.query(`drop database ${dbName} with (force)`);
    await admin.end();
  }
} else {
  console.log('PostgreSQL skipped: set DATABASE_URL');
}
