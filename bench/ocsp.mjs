// OCSP throughput (SPEC §5): responses/s of this server's POST /ocsp beside `openssl ocsp -port`
// serving the same CA (index file and responder key exported for it) and, when installed, CFSSL's
// `ocspserve` serving our pre-signed response — each on this machine in the same run, with the
// same load generator (bench/lib/http-load.mjs, its own process, keep-alive, 16 in flight) and the
// same request (one SHA-1 CertID, no nonce, as `openssl ocsp -no_nonce` makes it).
// Embedded database (PGlite). Needs a build (npm run build). Bounded to about 30 s.
import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { loadConfig } from '../packages/server/dist/config.js';
import { startNode } from '../packages/server/dist/node.js';
import { exportForOpenssl } from '../packages/server/dist/pki/openssl-export.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = 2;
const LOAD_MS = Number(process.env.BENCH_OCSP_MS ?? 2500);
const dir = mkdtempSync(join(tmpdir(), 'openmid-bench-ocsp-'));
const children = [];
const watchdog = setTimeout(() => {
  console.error('bench/ocsp: over its time budget, stopping');
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, 45_000);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const pem = (der) => new x509.X509Certificate(new Uint8Array(der)).toString('pem');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) return;
    await sleep(25);
  }
  throw new Error(`nothing listens on ${port}`);
}

function load(url, request) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'lib/http-load.mjs')], {
      env: {
        ...process.env,
        LOAD_URL: url,
        LOAD_BODY_B64: request.toString('base64'),
        LOAD_MS: String(LOAD_MS),
        LOAD_CONCURRENCY: '16',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', () => {
      try {
        const r = JSON.parse(out);
        resolve(r);
      } catch (e) {
        reject(e);
      }
    });
  });
}

// 1. Our server, in this process (the load generator is another process).
const port = await freePort();
const config = loadConfig({
  NODE_ENV: 'test',
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: dir,
  MASTER_KEY: Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString('hex'),
  ADMIN_TOKEN: 'bench-admin-token-0123456789',
  LOG_LEVEL: 'warn',
  SANDBOX: 'false',
});
const node = await startNode(config, { logger: false });
const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
]);
const csr = await x509.Pkcs10CertificateRequestGenerator.create({
  name: 'CN=bench',
  keys,
  signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
});
const cert = await node.ctx.db.transaction().execute((trx) =>
  node.ctx.pki.issueCertificate(trx, {
    csrDer: new Uint8Array(csr.rawData),
    purpose: 'auth',
    subject: { nationalId: 'PNOAZ-0000001', givenName: 'Bench', familyName: 'Mark', country: 'AZ' },
    personId: 'bench-person',
    deviceId: 'bench-device',
    actor: 'system',
  }),
);
const { issuing } = node.ctx.pki.caCertificates();
writeFileSync(join(dir, 'ca.pem'), pem(issuing));
writeFileSync(join(dir, 'cert.pem'), pem(cert.der));
spawnSync('openssl', [
  'ocsp',
  '-issuer',
  join(dir, 'ca.pem'),
  '-cert',
  join(dir, 'cert.pem'),
  '-no_nonce',
  '-reqout',
  join(dir, 'req.der'),
]);
const request = readFileSync(join(dir, 'req.der'));

// 2. The same CA for `openssl ocsp -port`: an index file and the responder key, exported from
//    the vault as `openmid pki export-openssl` does.
const exported = await exportForOpenssl(node.ctx.db, node.ctx.vault);
for (const [name, content] of Object.entries(exported)) {
  if (name !== 'ca.pem') writeFileSync(join(dir, name), content, { mode: 0o600 });
}
const opensslPort = await freePort();
const opensslServer = spawn(
  'openssl',
  [
    'ocsp',
    '-index',
    join(dir, 'index.txt'),
    '-port',
    String(opensslPort),
    '-rsigner',
    join(dir, 'ocsp.pem'),
    '-rkey',
    join(dir, 'ocsp.key'),
    '-CA',
    join(dir, 'ca.pem'),
    '-nmin',
    '60',
  ],
  { stdio: 'ignore' },
);
children.push(opensslServer);

// 3. CFSSL ocspserve with our pre-signed response, when installed (Debian golang-cfssl).
const hasCfssl = spawnSync('cfssl', ['version'], { stdio: 'ignore' }).status === 0;
let cfsslPort;
if (hasCfssl) {
  cfsslPort = await freePort();
  const response = await node.ctx.pki.ocspResponseFor(cert.serialHex);
  writeFileSync(join(dir, 'responses'), `${Buffer.from(response).toString('base64')}\n`);
  children.push(
    spawn(
      'cfssl',
      [
        'ocspserve',
        '-address',
        '127.0.0.1',
        '-port',
        String(cfsslPort),
        '-responses',
        join(dir, 'responses'),
        '-loglevel',
        '5',
      ],
      { stdio: 'ignore' },
    ),
  );
}

try {
  await waitForPort(opensslPort);
  if (cfsslPort) await waitForPort(cfsslPort);
  // Interleaved rounds, so background load on a shared machine hits every responder alike.
  const targets = [
    ['ours', `${node.url}/ocsp`],
    ['openssl', `http://127.0.0.1:${opensslPort}/`],
    ...(cfsslPort ? [['cfssl', `http://127.0.0.1:${cfsslPort}/`]] : []),
  ];
  const totals = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, url] of targets) {
      const r = await load(url, request);
      totals[name] ??= { ok: 0, bad: 0, errors: 0, seconds: 0 };
      const t = totals[name];
      t.ok += r.ok;
      t.bad += r.bad;
      t.errors += r.errors;
      t.seconds += r.seconds;
    }
  }
  for (const t of Object.values(totals)) t.perSecond = t.ok / t.seconds;
  const { ours, openssl, cfssl } = totals;
  const line = (name, r) =>
    `${name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(7)} responses/s` +
    (r.bad || r.errors ? `  (${r.bad} not successful, ${r.errors} errors)` : '');
  console.log(line('openmid POST /ocsp', ours));
  console.log(line('openssl ocsp -port', openssl));
  if (cfssl) console.log(line('cfssl ocspserve', cfssl));
  else console.log('cfssl ocspserve             not installed (apt-get install golang-cfssl)');
  const ratio = (a, b) => (b.perSecond > 0 ? (a.perSecond / b.perSecond).toFixed(2) : 'n/a');
  console.log(`ratio openmid / openssl       ${ratio(ours, openssl)}x  (SPEC §5 target: >= 5x)`);
  if (cfssl)
    console.log(`ratio openmid / cfssl         ${ratio(ours, cfssl)}x  (SPEC §5 target: >= 1x)`);
} finally {
  for (const c of children) c.kill('SIGKILL');
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
