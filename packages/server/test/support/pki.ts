import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { CertificatePurpose, CertificateRecord } from '../../src/pki/pki-service.js';
import type { TestNode } from './test-node.js';

/** A PKCS#10 request made as a phone makes it (WebCrypto ECDSA key, SHA-256 signature). */
export async function makeCsr(curve: 'P-256' | 'P-384' = 'P-256'): Promise<Uint8Array> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=device',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return new Uint8Array(csr.rawData);
}

let counter = 0;
/** A unique national id per call (tests isolate by unique subjects). */
export function uniqueNationalId(): string {
  counter += 1;
  return `PNOAZ-${String(process.pid % 100000).padStart(5, '0')}${String(counter).padStart(4, '0')}`;
}

export async function issue(
  node: TestNode,
  purpose: CertificatePurpose,
  options: { nationalId?: string; deviceId?: string; qscd?: boolean } = {},
): Promise<CertificateRecord> {
  const csrDer = await makeCsr();
  return node.ctx.db.transaction().execute((trx) =>
    node.ctx.pki.issueCertificate(trx, {
      csrDer,
      purpose,
      subject: {
        nationalId: options.nationalId ?? uniqueNationalId(),
        givenName: 'Aysel',
        familyName: 'Məmmədova',
        country: 'AZ',
      },
      personId: `person-${counter}`,
      deviceId: options.deviceId ?? `device-${counter}`,
      actor: 'system',
      ...(options.qscd === undefined ? {} : { qscd: options.qscd }),
    }),
  );
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'openmid-pki-'));
}

export function writePem(dir: string, name: string, der: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, new x509.X509Certificate(new Uint8Array(der)).toString('pem'));
  return path;
}

/**
 * Run openssl without blocking the event loop (the server under test runs in this process);
 * resolves with stdout+stderr and the exit status, never rejects on a non-zero exit.
 */
export function openssl(
  args: string[],
  input?: Uint8Array,
): Promise<{ out: string; status: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { timeout: 30_000 });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ out, status: status ?? -1 }));
    child.stdin.end(input ?? undefined);
  });
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

/** openssl asn1parse of one extension's value (found by the name openssl prints for its OID). */
export async function extensionAsn1(pemFile: string, extensionName: string): Promise<string> {
  const lines = (await openssl(['asn1parse', '-in', pemFile])).out.split('\n');
  const at = lines.findIndex((l) => l.includes(`:${extensionName}`));
  const octets = lines.slice(at + 1).find((l) => l.includes('OCTET STRING'));
  const offset = octets?.match(/^\s*(\d+):/)?.[1];
  if (at < 0 || !offset) throw new Error(`no ${extensionName} extension in ${pemFile}`);
  return (await openssl(['asn1parse', '-in', pemFile, '-strparse', offset])).out;
}

/** Decode an OCSP response with openssl (independent of our encoder): status and times. */
export async function ocspCertStatus(
  der: Uint8Array,
): Promise<{ status: string; thisUpdate: Date; nextUpdate: Date }> {
  const dir = tempDir();
  const file = join(dir, 'resp.der');
  writeFileSync(file, der);
  const out = (await openssl(['ocsp', '-respin', file, '-resp_text', '-noverify'])).out;
  const status = out.match(/Cert Status: (\w+)/)?.[1] ?? 'none';
  const thisUpdate = new Date(out.match(/This Update: (.+)/)?.[1] ?? NaN);
  const nextUpdate = new Date(out.match(/Next Update: (.+)/)?.[1] ?? NaN);
  return { status, thisUpdate, nextUpdate };
}
