import 'reflect-metadata';
import { createPrivateKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import { findSealedKey, listAllCertificates, listCurrentCaCertificates } from './pki-store.js';

/** An OpenSSL `ca` index date: YYMMDDHHMMSSZ (UTCTime form). */
const indexDate = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;

/** Reasons an `openssl ca` index can carry (apps/ca.c); others are written as unspecified. */
const OPENSSL_REASONS = new Set([
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
]);
const opensslReason = (reason: string | null): string =>
  reason && OPENSSL_REASONS.has(reason) ? reason : 'unspecified';

export interface OpensslExport {
  'root.pem': string;
  'ca.pem': string;
  'ocsp.pem': string;
  /** The delegated responder's private key (PKCS#8 PEM): keep it as secret as the master key. */
  'ocsp.key': string;
  /** `openssl ca` index: one line per certificate, V or R with revocation time and reason. */
  'index.txt': string;
}

/**
 * The CA as `openssl ocsp -index index.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key` serves it:
 * an operator's fallback responder and the benchmark's reference (`openmid pki export-openssl`).
 */
export async function exportForOpenssl(db: Db, vault: KeyVault): Promise<OpensslExport> {
  const ca = await listCurrentCaCertificates(db);
  const role = (name: string) => {
    const row = ca.find((r) => r.role === name);
    if (!row) throw new Error(`no ${name} certificate: start the server once to create the CA`);
    return row;
  };
  const pem = (der: Buffer) =>
    `${new x509.X509Certificate(new Uint8Array(der)).toString('pem').trimEnd()}\n`;
  const ocsp = role('ocsp');
  const sealed = await findSealedKey(db, ocsp.keyName);
  if (!sealed) throw new Error('the OCSP responder key is missing');
  const key = createPrivateKey({
    key: vault.open(sealed, ocsp.keyName),
    format: 'der',
    type: 'pkcs8',
  });
  const lines = (await listAllCertificates(db)).map((c) => {
    const revoked = c.status !== 'good' && c.revokedAt;
    const reason = c.status === 'suspended' ? 'certificateHold' : opensslReason(c.revocationReason);
    const revocation = revoked ? `${indexDate(c.revokedAt as Date)},${reason}` : '';
    return `${revoked ? 'R' : 'V'}\t${indexDate(c.notAfter)}\t${revocation}\t${c.serialHex.toUpperCase()}\tunknown\t/CN=${c.serialHex}\n`;
  });
  return {
    'root.pem': pem(role('root').der),
    'ca.pem': pem(role('issuing').der),
    'ocsp.pem': pem(ocsp.der),
    'ocsp.key': key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    'index.txt': lines.join(''),
  };
}
