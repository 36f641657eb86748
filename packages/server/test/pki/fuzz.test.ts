import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, openssl, tempDir, writePem } from '../support/pki.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * Random and mutated DER at the OCSP and TSA parsers over HTTP: every answer is a 4xx or the
 * protocol's own response, never a 5xx, a crash or a hang (issue 2, "Done means").
 */
describe('OCSP and TSA parsers under random and mutated input', () => {
  let node: TestNode;
  let ocspRequest: Uint8Array;
  let tsaQuery: Uint8Array;
  beforeAll(async () => {
    node = await startTestNode();
    const dir = tempDir();
    const ca = join(dir, 'ca.pem');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(ca, await (await node.request('/pki/ca.pem')).text());
    const cert = await issue(node, 'auth');
    await openssl([
      'ocsp',
      '-issuer',
      ca,
      '-cert',
      writePem(dir, 'c.pem', cert.der),
      '-reqout',
      join(dir, 'r.der'),
    ]);
    ocspRequest = new Uint8Array(readFileSync(join(dir, 'r.der')));
    writeFileSync(join(dir, 'data'), 'x');
    await openssl(['ts', '-query', '-data', join(dir, 'data'), '-cert', '-out', join(dir, 'q')]);
    tsaQuery = new Uint8Array(readFileSync(join(dir, 'q')));
  });
  afterAll(async () => {
    await node?.stop();
  });

  const post = async (path: string, type: string, body: Uint8Array) => {
    const r = await node.request(path, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(r.status).toBeLessThan(500);
    if (r.status === 200) expect(bytes[0]).toBe(0x30);
    return r.status;
  };
  const mutation = (base: () => Uint8Array) =>
    fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const bytes = base().slice();
        for (const [at, xor] of flips) {
          const i = at % bytes.length;
          bytes[i] = (bytes[i] as number) ^ xor;
        }
        return bytes;
      });
  const runs = { numRuns: 120 };

  it('POST /ocsp answers random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), (b) =>
        post('/ocsp', 'application/ocsp-request', b).then(() => {}),
      ),
      runs,
    );
  });

  it('POST /ocsp answers mutated requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => ocspRequest),
        (b) => post('/ocsp', 'application/ocsp-request', b).then(() => {}),
      ),
      runs,
    );
  });

  it('GET /ocsp answers mutated requests and random paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutation(() => ocspRequest).map((b) =>
            encodeURIComponent(Buffer.from(b).toString('base64')),
          ),
          fc.string({ maxLength: 200 }).map((s) => encodeURIComponent(s)),
        ),
        async (path) => {
          const r = await node.request(`/ocsp/${path}`);
          await r.arrayBuffer();
          expect(r.status).toBeLessThan(500);
        },
      ),
      runs,
    );
  });

  it('POST /tsa answers random bytes and mutated queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          mutation(() => tsaQuery),
        ),
        (b) => post('/tsa', 'application/timestamp-query', b).then(() => {}),
      ),
      runs,
    );
  });

  it('still answers a valid request afterwards', async () => {
    expect(await post('/ocsp', 'application/ocsp-request', ocspRequest)).toBe(200);
    expect(await post('/tsa', 'application/timestamp-query', tsaQuery)).toBe(200);
  });
});
