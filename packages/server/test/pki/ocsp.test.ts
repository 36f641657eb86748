import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportForOpenssl } from '../../src/pki/openssl-export.js';
import { issue, openssl, tempDir, writePem } from '../support/pki.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('OCSP — RFC 6960, checked with openssl ocsp', () => {
  let node: TestNode;
  let dir: string;
  const root = () => join(dir, 'root.pem');
  const ca = () => join(dir, 'ca.pem');
  beforeAll(async () => {
    node = await startTestNode();
    dir = tempDir();
    writeFileSync(root(), await (await node.request('/pki/root.pem')).text());
    writeFileSync(ca(), await (await node.request('/pki/ca.pem')).text());
  });
  afterAll(async () => {
    await node?.stop();
  });

  /** The exact command of the acceptance smoke test. */
  const ocsp = async (certFile: string, extra: string[] = ['-no_nonce']) =>
    (
      await openssl([
        'ocsp',
        '-issuer',
        ca(),
        '-cert',
        certFile,
        '-url',
        `${node.url}/ocsp`,
        '-CAfile',
        root(),
        '-VAfile',
        ca(),
        ...extra,
      ])
    ).out;

  const lifecycle = (serial: string) => ({
    revoke: () =>
      node.ctx.db
        .transaction()
        .execute((trx) => node.ctx.pki.revoke(trx, serial, 'keyCompromise', 'operator:test')),
    suspend: () =>
      node.ctx.db
        .transaction()
        .execute((trx) => node.ctx.pki.suspend(trx, serial, 'operator:test')),
    resume: () =>
      node.ctx.db.transaction().execute((trx) => node.ctx.pki.resume(trx, serial, 'operator:test')),
  });

  it('answers good for a fresh certificate, with a verified response', async () => {
    const cert = await issue(node, 'auth');
    const out = await ocsp(writePem(dir, 'good.pem', cert.der));
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': good');
  });

  it('answers good with a nonce echoed in a freshly signed response', async () => {
    const cert = await issue(node, 'auth');
    const out = await ocsp(writePem(dir, 'nonce.pem', cert.der), []);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': good');
    expect(out).not.toContain('WARNING: no nonce');
  });

  it('answers revoked at once after revocation, with the reason', async () => {
    const cert = await issue(node, 'sign');
    const file = writePem(dir, 'revoked.pem', cert.der);
    expect(await ocsp(file)).toContain(': good');
    await lifecycle(cert.serialHex).revoke();
    const out = await ocsp(file);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': revoked');
    expect(out).toContain('Reason: keyCompromise');
  });

  it('answers revoked (certificateHold) when suspended and good again after resume', async () => {
    const cert = await issue(node, 'auth');
    const file = writePem(dir, 'hold.pem', cert.der);
    const steps = lifecycle(cert.serialHex);
    await steps.suspend();
    const held = await ocsp(file);
    expect(held).toContain(': revoked');
    expect(held).toContain('Reason: certificateHold');
    await steps.resume();
    const resumed = await ocsp(file);
    expect(resumed).toContain('Response verify OK');
    expect(resumed).toContain(': good');
  });

  it('refuses to resume a revoked certificate and to revoke twice', async () => {
    const cert = await issue(node, 'auth');
    const steps = lifecycle(cert.serialHex);
    await steps.revoke();
    await expect(steps.resume()).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(steps.revoke()).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(steps.suspend()).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('audits suspend, resume and revoke', async () => {
    const cert = await issue(node, 'auth');
    const steps = lifecycle(cert.serialHex);
    await steps.suspend();
    await steps.resume();
    await steps.revoke();
    const entries = await node.ctx.audit.listForPerson(node.ctx.db, cert.personId, { limit: 10 });
    expect(entries.map((e) => e.type)).toEqual([
      'certificate.revoked',
      'certificate.resumed',
      'certificate.suspended',
      'certificate.issued',
    ]);
    expect(entries[0]?.data).toMatchObject({ serial: cert.serialHex, reason: 'keyCompromise' });
  });

  it('answers unknown for a serial it never issued', async () => {
    const out = (
      await openssl([
        'ocsp',
        '-issuer',
        ca(),
        '-serial',
        '0x0102030405060708090a0b0c0d0e0f10',
        '-url',
        `${node.url}/ocsp`,
        '-CAfile',
        root(),
        '-VAfile',
        ca(),
        '-no_nonce',
      ])
    ).out;
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': unknown');
  });

  it('answers unauthorized for a certificate of another issuer (RFC 6960 §2.3)', async () => {
    // The issuing CA's own certificate is issued by the root, which this responder does not serve.
    const out = (
      await openssl([
        'ocsp',
        '-issuer',
        root(),
        '-cert',
        ca(),
        '-url',
        `${node.url}/ocsp`,
        '-no_nonce',
      ])
    ).out;
    expect(out).toContain('unauthorized (6)');
  });

  it('serves GET requests (RFC 6960 Appendix A.1)', async () => {
    const cert = await issue(node, 'auth');
    const reqFile = join(dir, 'get.req');
    await openssl([
      'ocsp',
      '-issuer',
      ca(),
      '-cert',
      writePem(dir, 'get.pem', cert.der),
      '-no_nonce',
      '-reqout',
      reqFile,
    ]);
    const { readFileSync } = await import('node:fs');
    const b64 = readFileSync(reqFile).toString('base64');
    const r = await node.request(`/ocsp/${encodeURIComponent(b64)}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/ocsp-response');
    const respFile = join(dir, 'get.resp');
    writeFileSync(respFile, Buffer.from(await r.arrayBuffer()));
    const out = (
      await openssl([
        'ocsp',
        '-respin',
        respFile,
        '-issuer',
        ca(),
        '-cert',
        join(dir, 'get.pem'),
        '-CAfile',
        root(),
        '-VAfile',
        ca(),
      ])
    ).out;
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': good');
  });

  it('ocspResponseFor serves the RP API the same verified response', async () => {
    const cert = await issue(node, 'auth');
    const respFile = join(dir, 'rp.resp');
    writeFileSync(respFile, await node.ctx.pki.ocspResponseFor(cert.serialHex));
    const out = (
      await openssl([
        'ocsp',
        '-respin',
        respFile,
        '-issuer',
        ca(),
        '-cert',
        writePem(dir, 'rp.pem', cert.der),
        '-CAfile',
        root(),
        '-VAfile',
        ca(),
      ])
    ).out;
    expect(out).toContain('Response verify OK');
    expect(out).toContain(': good');
  });

  describe('malformed requests get an OCSP error response, never a 5xx', () => {
    const malformed = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]); // OCSPResponse malformedRequest
    it('answers garbage POST bodies with malformedRequest', async () => {
      for (const body of [
        Buffer.from('garbage'),
        Buffer.alloc(0),
        Buffer.from([0x30, 0x80]),
        Buffer.from([0x30, 0x03, 0x30, 0x01, 0x00]),
      ]) {
        const r = await node.request('/ocsp', {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request' },
          body,
        });
        expect(r.status).toBe(200);
        expect(Buffer.from(await r.arrayBuffer()).equals(malformed)).toBe(true);
      }
    });
    it('answers bad base64 in GET with malformedRequest', async () => {
      for (const path of ['/ocsp/!!!', '/ocsp/AAAA', '/ocsp/%25%25', '/ocsp/a%2Fb%3D%3D%3D']) {
        const r = await node.request(path);
        expect(r.status).toBeLessThan(500);
        if (r.status === 200) {
          expect(Buffer.from(await r.arrayBuffer()).equals(malformed)).toBe(true);
        }
      }
    });
    it('refuses a huge body with 413', async () => {
      const r = await node.request('/ocsp', {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.alloc(1024 * 1024, 0x30),
      });
      expect(r.status).toBe(413);
    });
    it('refuses a wrong content type with 415', async () => {
      const r = await node.request('/ocsp', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(r.status).toBe(415);
    });
  });
});

describe('openmid pki export-openssl — the same CA served by openssl ocsp -index', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('exports an index in which openssl finds good and revoked certificates', async () => {
    const dir = tempDir();
    const good = await issue(node, 'auth');
    const revoked = await issue(node, 'sign');
    const held = await issue(node, 'auth');
    await node.ctx.db.transaction().execute(async (trx) => {
      await node.ctx.pki.revoke(trx, revoked.serialHex, 'keyCompromise', 'system');
      await node.ctx.pki.suspend(trx, held.serialHex, 'system');
    });
    const files = await exportForOpenssl(node.ctx.db, node.ctx.vault);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const answer = async (cert: Uint8Array, name: string) => {
      const certFile = writePem(dir, `${name}.pem`, cert);
      const req = join(dir, `${name}.req`);
      const resp = join(dir, `${name}.resp`);
      await openssl([
        'ocsp',
        '-issuer',
        join(dir, 'ca.pem'),
        '-cert',
        certFile,
        '-no_nonce',
        '-reqout',
        req,
      ]);
      await openssl([
        'ocsp',
        '-index',
        join(dir, 'index.txt'),
        '-CA',
        join(dir, 'ca.pem'),
        '-rsigner',
        join(dir, 'ocsp.pem'),
        '-rkey',
        join(dir, 'ocsp.key'),
        '-reqin',
        req,
        '-respout',
        resp,
      ]);
      return (
        await openssl([
          'ocsp',
          '-respin',
          resp,
          '-issuer',
          join(dir, 'ca.pem'),
          '-cert',
          certFile,
          '-CAfile',
          join(dir, 'root.pem'),
          '-VAfile',
          join(dir, 'ca.pem'),
        ])
      ).out;
    };
    const g = await answer(good.der, 'good');
    expect(g).toContain('Response verify OK');
    expect(g).toContain(': good');
    const r = await answer(revoked.der, 'revoked');
    expect(r).toContain(': revoked');
    expect(r).toContain('Reason: keyCompromise');
    const h = await answer(held.der, 'held');
    expect(h).toContain(': revoked');
    expect(h).toContain('Reason: certificateHold');
  });
});
