// Authentication throughput (SPEC §5): complete notification-based authentications per second —
// RP start → device fetch → device signs → device answers → RP long-poll collects → RP verifies —
// with simulated devices (the @openmid/device SDK, software key store) and the load generator in
// this process, and the server as a separate process (packages/server/dist/main.js). Printed beside
// the machine's ECDSA P-256 verify ceiling measured in the same run (one core, node:crypto), with
// p50/p99 of each server call. PostgreSQL when DATABASE_URL is set (a scratch database is created
// and dropped), else the embedded PGlite. Needs a build (npm run build). Bounded: BENCH_AUTH_SECONDS
// (default 10) of load; BENCH_AUTH_DEVICES (default 48) concurrent persons.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceClient, SoftwareKeyStore } from '@openmid/device';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_AUTH_SECONDS ?? 10);
const DEVICES = Number(process.env.BENCH_AUTH_DEVICES ?? 48);
const ADMIN = `bench-admin-${randomBytes(12).toString('hex')}`;
const root = fileURLToPath(new URL('..', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function ecdsaVerifyCeiling(ms = 1000) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = randomBytes(200);
  const sig = sign('sha256', data, privateKey);
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (let i = 0; i < 50; i++) verify('sha256', data, publicKey, sig);
    n += 50;
  }
  return (n * 1000) / ms;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** CPU time of every PostgreSQL backend process (the server's connections), for the DB's share. */
function postgresCpuMs() {
  let total = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
        total += cpuMs(entry);
      } catch {}
    }
  } catch {
    return NaN;
  }
  return total;
}

const pct = (values, p) => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  let scratch;
  let databaseUrl;
  if (process.env.DATABASE_URL) {
    scratch = `openmid_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${scratch}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${scratch}`;
    databaseUrl = u.toString();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'openmid-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_SERVER_ARGS adds node flags to the server process, e.g. --cpu-prof to see where time goes.
  const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(
    process.execPath,
    [...serverArgs, join(root, 'packages/server/dist/main.js')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: base,
        DATA_DIR: dataDir,
        ADMIN_TOKEN: ADMIN,
        MASTER_KEY: randomBytes(32).toString('hex'),
        SANDBOX: 'false',
        LOG_LEVEL: 'warn',
        SESSION_PERSON_LIMIT_PER_MINUTE: '1000000',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const cleanup = async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    if (scratch) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${scratch} with (force)`);
      await admin.end();
    }
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {}
      if (i > 300) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const adminCall = async (path, body) => {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const client = await adminCall('/admin/v1/clients', {
      client_name: 'Bench RP',
      environment: 'sandbox',
    });
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;

    const devices = [];
    for (let i = 0; i < DEVICES; i++) {
      const nationalId = `PNOAZ-B${process.pid}${String(i).padStart(4, '0')}`;
      const { personId } = await adminCall('/admin/v1/persons', {
        nationalId,
        givenName: 'Bench',
        familyName: `Person${i}`,
        birthDate: '1990-01-01',
        phone: `+99455${String(process.pid % 1000).padStart(3, '0')}${String(i).padStart(4, '0')}`,
      });
      const { activationCode } = await adminCall(`/admin/v1/persons/${personId}/activation-codes`);
      const provisioning = await SoftwareKeyStore.provision({
        pin1: '1234',
        pin2: '12345',
        kdfIterations: 1,
      });
      const { keyStore, registration } = await DeviceClient.activate({
        serverUrl: base,
        activationCode,
        provisioning,
      });
      devices.push({
        nationalId,
        client: new DeviceClient({ serverUrl: base, keyStore }),
        publicKey: new X509Certificate(Buffer.from(registration.authCertificate, 'base64'))
          .publicKey,
      });
    }

    const ceiling = ecdsaVerifyCeiling();
    const lat = { start: [], fetch: [], answer: [], collect: [] };
    let completed = 0;
    let failed = 0;
    const timed = async (name, fn) => {
      const t = performance.now();
      const v = await fn();
      lat[name].push(performance.now() - t);
      return v;
    };
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async (d) => {
      while (Date.now() < deadline) {
        const challenge = randomBytes(32).toString('base64');
        const started = await timed('start', async () => {
          const r = await fetch(`${base}/rp/v1/authentication`, {
            method: 'POST',
            headers: { authorization: basic, 'content-type': 'application/json' },
            body: JSON.stringify({
              subject: { nationalId: d.nationalId },
              hash: challenge,
              hashType: 'SHA256',
            }),
          });
          return r.json();
        });
        const [request] = await timed('fetch', () => d.client.pendingRequests({ timeoutMs: 5000 }));
        if (!request) {
          failed++;
          continue;
        }
        await timed('answer', () => d.client.approve(request, '1234'));
        const result = await timed('collect', async () => {
          const r = await fetch(`${base}/rp/v1/sessions/${started.sessionId}?timeoutMs=5000`, {
            headers: { authorization: basic },
          });
          return r.json();
        });
        const signedData = Buffer.from(result.signature?.signedData ?? '', 'base64');
        const data = JSON.parse(signedData.toString('utf8') || '{}');
        const ok =
          result.result?.endResult === 'OK' &&
          data.challenge === challenge &&
          data.rp === client.client_id &&
          verify(
            'sha256',
            signedData,
            { key: d.publicKey, dsaEncoding: 'der' },
            Buffer.from(result.signature.value, 'base64'),
          );
        if (ok) completed++;
        else failed++;
      }
    };
    const t0 = performance.now();
    const serverCpu0 = cpuMs(server.pid);
    const pgCpu0 = databaseUrl ? postgresCpuMs() : NaN;
    const selfCpu0 = process.cpuUsage();
    await Promise.all(devices.map(worker));
    const elapsed = (performance.now() - t0) / 1000;
    const serverCpu = cpuMs(server.pid) - serverCpu0;
    const pgCpu = databaseUrl ? postgresCpuMs() - pgCpu0 : NaN;
    const selfCpu = process.cpuUsage(selfCpu0);
    const rate = completed / elapsed;
    console.log(
      `backend ${databaseUrl ? 'PostgreSQL' : 'PGlite'}; ${DEVICES} concurrent simulated devices; ${elapsed.toFixed(1)} s`,
    );
    console.log(`complete authentications: ${completed} (${failed} failed) = ${rate.toFixed(0)}/s`);
    console.log(
      `ECDSA P-256 verify ceiling (one core, node:crypto, same run): ${ceiling.toFixed(0)}/s; ` +
        `authentications/s = ${((rate / ceiling) * 100).toFixed(2)}% of it`,
    );
    // CPU per authentication is what the machine's load does not distort: it says how many
    // authentications/s the server would sustain with both cores to itself.
    const per = (ms) => (completed ? (ms / completed).toFixed(2) : 'n/a');
    console.log(
      `CPU per authentication: server ${per(serverCpu)} ms, PostgreSQL ${per(pgCpu)} ms, ` +
        `load generator + devices ${per((selfCpu.user + selfCpu.system) / 1000)} ms; ` +
        `server alone on 2 cores ≈ ${completed ? ((2000 * completed) / serverCpu).toFixed(0) : 'n/a'}/s`,
    );
    for (const [name, values] of Object.entries(lat)) {
      console.log(
        `  ${name.padEnd(8)} p50 ${pct(values, 50).toFixed(1)} ms  p99 ${pct(values, 99).toFixed(1)} ms  (n=${values.length})`,
      );
    }
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
