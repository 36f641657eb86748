import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionAsn1, issue, makeCsr, openssl, tempDir, writePem } from '../support/pki.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('certificate issuance — F7, ETSI EN 319 412-2 profile', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode();
    dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), await (await node.request('/pki/root.pem')).text());
    writeFileSync(join(dir, 'ca.pem'), await (await node.request('/pki/ca.pem')).text());
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('serves the root and issuing CA as PEM and DER', async () => {
    for (const [path, type] of [
      ['/pki/root.pem', 'application/x-pem-file'],
      ['/pki/ca.pem', 'application/x-pem-file'],
      ['/pki/root.cer', 'application/pkix-cert'],
      ['/pki/ca.cer', 'application/pkix-cert'],
    ] as const) {
      const r = await node.request(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
    }
    const der = Buffer.from(await (await node.request('/pki/ca.cer')).arrayBuffer());
    expect(der.equals(Buffer.from(node.ctx.pki.caCertificates().issuing))).toBe(true);
    const root = await openssl(['x509', '-in', join(dir, 'root.pem'), '-noout', '-text']);
    expect(root.out).toContain('CA:TRUE');
    expect(root.out).toContain('Certificate Sign, CRL Sign');
    const ca = await openssl(['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'ca.pem')]);
    expect(ca.out).toContain(': OK');
  });

  it('issues an authentication certificate that chains to the root', async () => {
    const cert = await issue(node, 'auth', { nationalId: 'PNOAZ-7654321' });
    const file = writePem(dir, 'auth.pem', cert.der);
    const verify = await openssl([
      'verify',
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'ca.pem'),
      '-purpose',
      'sslclient',
      file,
    ]);
    expect(verify.out).toContain(': OK');
    expect(verify.status).toBe(0);
    const text = (
      await openssl(['x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8,sep_multiline'])
    ).out;
    expect(text).toContain('Digital Signature');
    expect(text).not.toContain('Non Repudiation');
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).toContain('serialNumber=PNOAZ-7654321');
    expect(text).toContain('GN=Aysel');
    expect(text).toContain('SN=Məmmədova');
    expect(text).toContain('CN=Aysel Məmmədova');
    expect(text).toContain('C=AZ');
    expect(text).toContain(`OCSP - URI:${node.url}/ocsp`);
    expect(text).toContain(`CA Issuers - URI:${node.url}/pki/ca.cer`);
    expect(text).toContain(`URI:${node.url}/pki/crl`);
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(cert.serialHex).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(text.replace(/[\s:]/g, '')).toContain(cert.serialHex);
    expect(cert.status).toBe('good');
  });

  it('issues a signing certificate with nonRepudiation, QC statements and policies', async () => {
    const cert = await issue(node, 'sign', { nationalId: 'PNOAZ-1234567', qscd: true });
    const file = writePem(dir, 'sign.pem', cert.der);
    expect(
      (
        await openssl([
          'verify',
          '-CAfile',
          join(dir, 'root.pem'),
          '-untrusted',
          join(dir, 'ca.pem'),
          file,
        ])
      ).out,
    ).toContain(': OK');
    const text = (
      await openssl(['x509', '-in', file, '-noout', '-text', '-nameopt', 'sep_multiline'])
    ).out;
    expect(text).toContain('Non Repudiation');
    expect(text).not.toContain('Digital Signature');
    expect(text).toContain('serialNumber=PNOAZ-1234567');
    expect(text).toContain('Policy: 0.4.0.194112.1.2'); // QCP-n-qscd
    // QcCompliance 0.4.0.1862.1.1, QcSSCD .1.4, QcType esign .1.6.1, natural-person semantics id
    const asn = await extensionAsn1(file, 'qcStatements');
    expect(asn).toContain('0.4.0.1862.1.1');
    expect(asn).toContain('0.4.0.1862.1.4');
    expect(asn).toContain('0.4.0.1862.1.6.1');
    expect(asn).toContain('0.4.0.194121.1.1');
  });

  it('omits QcSSCD for a software key store', async () => {
    const cert = await issue(node, 'sign', { qscd: false });
    const file = writePem(dir, 'sign-sw.pem', cert.der);
    const asn = await extensionAsn1(file, 'qcStatements');
    expect(asn).toContain('0.4.0.1862.1.1');
    expect(asn).not.toContain('0.4.0.1862.1.4');
    expect((await openssl(['x509', '-in', file, '-noout', '-text'])).out).toContain(
      'Policy: 0.4.0.194112.1.0',
    );
  });

  it('appends certificate.issued to the audit log in the same transaction', async () => {
    const cert = await issue(node, 'auth');
    const entries = await node.ctx.audit.listForPerson(node.ctx.db, cert.personId, { limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'certificate.issued',
      data: { serial: cert.serialHex, purpose: 'auth' },
    });
  });

  it('finds certificates by serial and by device', async () => {
    const a = await issue(node, 'auth', { deviceId: 'device-find-me' });
    const s = await issue(node, 'sign', { deviceId: 'device-find-me' });
    const found = await node.ctx.pki.findCertificate(node.ctx.db, a.serialHex.toUpperCase());
    expect(found?.serialHex).toBe(a.serialHex);
    expect(await node.ctx.pki.findCertificate(node.ctx.db, 'zz')).toBeUndefined();
    const list = await node.ctx.pki.listCertificatesOfDevice(node.ctx.db, 'device-find-me');
    expect(list.map((c) => c.serialHex).sort()).toEqual([a.serialHex, s.serialHex].sort());
  });

  describe('refuses a CSR without proof of possession', () => {
    const attempt = (csrDer: Uint8Array) =>
      node.ctx.db.transaction().execute((trx) =>
        node.ctx.pki.issueCertificate(trx, {
          csrDer,
          purpose: 'auth',
          subject: { nationalId: 'PNOAZ-1111111', givenName: 'A', familyName: 'B', country: 'AZ' },
          personId: 'p-bad',
          deviceId: 'd-bad',
          actor: 'system',
        }),
      );
    it('refuses garbage', async () => {
      await expect(attempt(Buffer.from('not a csr at all'))).rejects.toMatchObject({
        code: 'invalid_csr',
      });
      await expect(attempt(new Uint8Array(0))).rejects.toMatchObject({ code: 'invalid_csr' });
    });
    it('refuses a key on the wrong curve', async () => {
      await expect(attempt(await makeCsr('P-384'))).rejects.toMatchObject({
        code: 'invalid_csr',
      });
    });
    it('refuses a CSR whose signature does not verify', async () => {
      const csr = Buffer.from(await makeCsr());
      csr[csr.length - 5] = (csr[csr.length - 5] as number) ^ 0x01;
      await expect(attempt(csr)).rejects.toMatchObject({ code: 'invalid_csr' });
    });
    it('refuses a CSR with a subject key swapped in', async () => {
      // The signature of one CSR over another key: take CSR A's signature, CSR B's body.
      const a = Buffer.from(await makeCsr());
      const b = Buffer.from(await makeCsr());
      const spliced = Buffer.concat([b.subarray(0, b.length - 72), a.subarray(a.length - 72)]);
      await expect(attempt(spliced)).rejects.toMatchObject({ code: 'invalid_csr' });
    });
    it('writes nothing for a refused CSR', async () => {
      expect(await node.ctx.pki.listCertificatesOfDevice(node.ctx.db, 'd-bad')).toEqual([]);
    });
  });
});
