// A small closed-loop HTTP load generator, run as its own process so it never shares an event
// loop with the server under test. Usage (all via env):
//   LOAD_URL, LOAD_BODY_B64, LOAD_TYPE, LOAD_MS, LOAD_CONCURRENCY
// Prints one JSON line: { ok, bad, errors, seconds }. A response counts as ok when it is HTTP 200
// and a DER OCSPResponse with responseStatus successful (30 len 0a 01 00).
import http from 'node:http';

const url = new URL(process.env.LOAD_URL);
const body = Buffer.from(process.env.LOAD_BODY_B64, 'base64');
const type = process.env.LOAD_TYPE ?? 'application/ocsp-request';
const ms = Number(process.env.LOAD_MS ?? 5000);
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 16);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function successful(buf) {
  if (buf.length < 5 || buf[0] !== 0x30) return false;
  let i = 1;
  const len = buf[i++];
  if (len & 0x80) i += len & 0x7f;
  return buf[i] === 0x0a && buf[i + 1] === 0x01 && buf[i + 2] === 0x00;
}

let ok = 0;
let bad = 0;
let errors = 0;
let running = true;

function one() {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': type, 'content-length': body.length },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode === 200 && successful(Buffer.concat(chunks))) ok++;
          else bad++;
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

async function worker() {
  while (running) await one();
}

const started = process.hrtime.bigint();
setTimeout(() => {
  running = false;
}, ms);
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
console.log(JSON.stringify({ ok, bad, errors, seconds }));
