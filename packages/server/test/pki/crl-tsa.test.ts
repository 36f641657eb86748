import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, openssl, tempDir } from '../support/pki.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('CRL — RFC 5280 §5, checked with openssl crl', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode();
    dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), await (await node.request('/pki/root.pem')).text());
    writeFileSync(join(dir, 'ca.pem'), await (await node.request('/pki/ca.pem')).text());
    writeFileSync(
      join(dir, 'chain.pem'),
      readFileSync(join(dir, 'ca.pem'), 'utf8') + readFileSync(join(dir, 'root.pem'), 'utf8'),
    );
  });
  afterAll(async () => {
    await node?.stop();
  });

  const fetchCrl = async (name: string) => {
    const r = await node.request('/pki/crl');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pkix-crl');
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    return (
      await openssl([
        'crl',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        join(dir, 'chain.pem'),
        '-noout',
        '-text',
      ])
    ).out;
  };

  it('serves a CRL signed by the issuing CA with nextUpdate and a CRL number', async () => {
    const text = await fetchCrl('first.crl');
    expect(text).toContain('verify OK');
    expect(text).toContain('Next Update:');
    expect(text).toContain('X509v3 CRL Number');
    expect(text).toContain('Issuer: C = AZ, O = OpenMID, CN = OpenMID Issuing CA');
  });

  it('lists a revoked serial with its reason, and a held one until it is resumed', async () => {
    const revoked = await issue(node, 'sign');
    const held = await issue(node, 'auth');
    await node.ctx.db.transaction().execute(async (trx) => {
      await node.ctx.pki.revoke(trx, revoked.serialHex, 'superseded', 'operator:test');
      await node.ctx.pki.suspend(trx, held.serialHex, 'operator:test');
    });
    const upper = (s: string) => s.toUpperCase();
    const text = await fetchCrl('second.crl');
    expect(text).toContain('verify OK');
    expect(text).toContain(`Serial Number: ${upper(revoked.serialHex)}`);
    expect(text).toContain('Superseded');
    expect(text).toContain(`Serial Number: ${upper(held.serialHex)}`);
    expect(text).toContain('Certificate Hold');
    await node.ctx.db
      .transaction()
      .execute((trx) => node.ctx.pki.resume(trx, held.serialHex, 'operator:test'));
    const after = await fetchCrl('third.crl');
    expect(after).toContain(`Serial Number: ${upper(revoked.serialHex)}`);
    expect(after).not.toContain(`Serial Number: ${upper(held.serialHex)}`);
  });

  it('serves the same CRL while nothing changed', async () => {
    const a = Buffer.from(await (await node.request('/pki/crl')).arrayBuffer());
    const b = Buffer.from(await (await node.request('/pki/crl')).arrayBuffer());
    expect(a.equals(b)).toBe(true);
  });
});

describe('TSA — RFC 3161, checked with openssl ts', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode();
    dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), await (await node.request('/pki/root.pem')).text());
    writeFileSync(join(dir, 'ca.pem'), await (await node.request('/pki/ca.pem')).text());
    writeFileSync(join(dir, 'data.txt'), 'the document to time-stamp\n');
  });
  afterAll(async () => {
    await node?.stop();
  });

  const stamp = async (query: Buffer) => {
    const r = await node.request('/tsa', {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array(query),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/timestamp-reply');
    return Buffer.from(await r.arrayBuffer());
  };

  for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
    it(`grants a ${hash} time-stamp that openssl ts -verify accepts`, async () => {
      const query = join(dir, `${hash}.tsq`);
      await openssl([
        'ts',
        '-query',
        '-data',
        join(dir, 'data.txt'),
        `-${hash}`,
        '-cert',
        '-out',
        query,
      ]);
      const reply = join(dir, `${hash}.tsr`);
      writeFileSync(reply, await stamp(readFileSync(query)));
      const text = (await openssl(['ts', '-reply', '-in', reply, '-text'])).out;
      expect(text).toContain('Status: Granted.');
      expect(text).toContain('Nonce: 0x');
      const verify = await openssl([
        'ts',
        '-verify',
        '-in',
        reply,
        '-queryfile',
        query,
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'ca.pem'),
      ]);
      expect(verify.out).toContain('Verification: OK');
    });
  }

  it('leaves the certificates out when certReq is false', async () => {
    const query = join(dir, 'nocert.tsq');
    await openssl(['ts', '-query', '-data', join(dir, 'data.txt'), '-sha256', '-out', query]);
    const reply = join(dir, 'nocert.tsr');
    writeFileSync(reply, await stamp(readFileSync(query)));
    const untrusted = join(dir, 'ca-and-tsa.pem');
    writeFileSync(
      untrusted,
      (await (await node.request('/pki/ca.pem')).text()) +
        (await (await node.request('/pki/tsa.pem')).text()),
    );
    const verify = await openssl([
      'ts',
      '-verify',
      '-in',
      reply,
      '-queryfile',
      query,
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'ca.pem'),
    ]);
    expect(verify.out).not.toContain('Verification: OK');
    const withCert = await openssl([
      'ts',
      '-verify',
      '-in',
      reply,
      '-queryfile',
      query,
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      untrusted,
    ]);
    expect(withCert.out).toContain('Verification: OK');
  });

  it('timestamp() gives a token over a digest for internal use', async () => {
    const digest = createHash('sha256').update('internal').digest();
    const token = await node.ctx.pki.timestamp(digest, 'SHA-256');
    const file = join(dir, 'internal.tst');
    writeFileSync(file, token);
    const verify = await openssl([
      'ts',
      '-verify',
      '-in',
      file,
      '-token_in',
      '-digest',
      digest.toString('hex'),
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'ca.pem'),
    ]);
    expect(verify.out).toContain('Verification: OK');
  });

  it('timestamp() refuses a digest of the wrong length', async () => {
    await expect(node.ctx.pki.timestamp(new Uint8Array(20), 'SHA-256')).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  describe('bad input gets a PKIStatus rejection or a 4xx, never a 5xx', () => {
    const rejection = async (body: Buffer) => {
      const reply = join(dir, 'bad.tsr');
      writeFileSync(reply, await stamp(body));
      return (await openssl(['ts', '-reply', '-in', reply, '-text'])).out;
    };
    it('rejects garbage with badDataFormat', async () => {
      const text = await rejection(Buffer.from('garbage'));
      expect(text).toContain('Status: Rejected.');
      expect(text).toContain('the data submitted has the wrong format');
    });
    it('rejects an unknown hash algorithm with badAlg', async () => {
      const query = join(dir, 'sha1.tsq');
      await openssl(['ts', '-query', '-data', join(dir, 'data.txt'), '-sha1', '-out', query]);
      const text = await rejection(readFileSync(query));
      expect(text).toContain('Status: Rejected.');
      expect(text).toContain('unrecognized or unsupported algorithm');
    });
    it('rejects a foreign policy with unacceptedPolicy', async () => {
      const query = join(dir, 'policy.tsq');
      await openssl([
        'ts',
        '-query',
        '-data',
        join(dir, 'data.txt'),
        '-sha256',
        '-tspolicy',
        '1.2.3.4',
        '-out',
        query,
      ]);
      const text = await rejection(readFileSync(query));
      expect(text).toContain('Status: Rejected.');
      expect(text).toContain('TSA policy is not supported');
    });
    it('refuses a huge body with 413', async () => {
      const r = await node.request('/tsa', {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: Buffer.alloc(512 * 1024, 0x30),
      });
      expect(r.status).toBe(413);
    });
  });
});
