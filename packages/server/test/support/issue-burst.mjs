// A node of the real built server (dist/) configured from the environment, issuing certificates
// from fresh CSRs in a loop and printing each committed serial, until it is killed. The
// issuance crash test runs it as a child process and kills it with SIGKILL mid-burst.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { loadConfig } from '../../dist/config.js';
import { startNode } from '../../dist/node.js';

const node = await startNode(loadConfig(process.env), { logger: false });
process.stdout.write(`ready ${node.url}\n`);
for (let i = 0; ; i++) {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=burst',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const cert = await node.ctx.db.transaction().execute((trx) =>
    node.ctx.pki.issueCertificate(trx, {
      csrDer: new Uint8Array(csr.rawData),
      purpose: i % 2 === 0 ? 'auth' : 'sign',
      subject: {
        nationalId: 'PNOAZ-5550001',
        givenName: 'Burst',
        familyName: 'Test',
        country: 'AZ',
      },
      personId: `burst-person-${process.pid}`,
      deviceId: `burst-device-${process.pid}`,
      actor: 'system',
    }),
  );
  // Pipes are written synchronously on Linux: a printed serial was committed before the kill.
  process.stdout.write(`issued ${cert.serialHex}\n`);
}
