import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import {
  type CaCertificateRow,
  findSealedKey,
  insertCaCertificate,
  insertSealedKey,
  listCurrentCaCertificates,
  lockCaCreation,
} from './pki-store.js';
import { CA_ROLE_NAMES, type CaRole, caName, caRoleExtensions } from './profile.js';
import { randomSerialHex } from './serial.js';

const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
const DAY = 86_400_000;

export type SigningCurve = 'P-256' | 'P-384';

export interface CaCert {
  cert: x509.X509Certificate;
  der: Buffer;
}
export interface CaSigner extends CaCert {
  key: CryptoKey;
  /** Hash of the signature algorithm this key signs with. */
  hash: 'SHA-256' | 'SHA-384';
}

/** The platform's own certificates and the private keys it uses at run time. */
export interface CaMaterial {
  root: CaCert;
  issuing: CaSigner;
  ocsp: CaSigner;
  tsa: CaSigner;
}

interface RolePlan {
  curve: SigningCurve;
  validityDays: number;
  /** Renew this many days before expiry (0: never renewed automatically). */
  renewDays: number;
}

function plans(caCurve: SigningCurve): Record<CaRole, RolePlan> {
  return {
    root: { curve: caCurve, validityDays: 20 * 365, renewDays: 0 },
    issuing: { curve: caCurve, validityDays: 10 * 365, renewDays: 0 },
    // Delegated responder and TSA keys sign on every request: P-256, renewed automatically.
    ocsp: { curve: 'P-256', validityDays: 365, renewDays: 30 },
    tsa: { curve: 'P-256', validityDays: 5 * 365, renewDays: 90 },
  };
}

const hashOf = (curve: SigningCurve) => (curve === 'P-384' ? 'SHA-384' : 'SHA-256');
const keyName = (role: CaRole, generation: number) => `pki-${role}-key-${generation}`;

async function importSigningKey(pkcs8: Uint8Array, curve: SigningCurve): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
}

function needsNew(row: CaCertificateRow | undefined, plan: RolePlan, now: Date): boolean {
  if (!row) return true;
  return plan.renewDays > 0 && row.notAfter.getTime() - now.getTime() < plan.renewDays * DAY;
}

/**
 * Load the CA hierarchy, creating what is missing on first start (and renewing the OCSP and TSA
 * certificates ahead of expiry). Creation runs in one transaction under a PostgreSQL advisory
 * lock, so nodes that start together create exactly one CA; private keys are sealed under the
 * master key (F9) before they reach the database.
 */
export async function loadOrCreateCa(deps: {
  db: Db;
  vault: KeyVault;
  clock: Clock;
  caCurve: SigningCurve;
}): Promise<CaMaterial> {
  const plan = plans(deps.caCurve);
  const roles: CaRole[] = ['root', 'issuing', 'ocsp', 'tsa'];
  const complete = (rows: CaCertificateRow[]) =>
    roles.every(
      (r) =>
        !needsNew(
          rows.find((x) => x.role === r),
          plan[r],
          deps.clock.now(),
        ),
    );

  if (!complete(await listCurrentCaCertificates(deps.db))) {
    await deps.db.transaction().execute(async (trx) => {
      await lockCaCreation(trx);
      const rows = await listCurrentCaCertificates(trx);
      const current = (role: CaRole) => rows.find((x) => x.role === role);
      const signers: Partial<Record<CaRole, { cert: x509.X509Certificate; key: CryptoKey }>> = {};
      const loadSigner = async (role: CaRole) => {
        const row = current(role);
        if (!row) throw new Error(`the ${role} CA certificate is missing`);
        const sealed = await findSealedKey(trx, row.keyName);
        if (!sealed) throw new Error(`the ${role} CA key is missing`);
        return {
          cert: new x509.X509Certificate(new Uint8Array(row.der)),
          key: await importSigningKey(deps.vault.open(sealed, row.keyName), plan[role].curve),
        };
      };
      for (const role of roles) {
        const existing = current(role);
        if (!needsNew(existing, plan[role], deps.clock.now())) continue;
        const issuerRole: CaRole | undefined =
          role === 'root' ? undefined : role === 'issuing' ? 'root' : 'issuing';
        if (issuerRole && !signers[issuerRole]) signers[issuerRole] = await loadSigner(issuerRole);
        const issuer = issuerRole ? signers[issuerRole] : undefined;
        const generation = (existing?.generation ?? 0) + 1;
        const created = await createRoleCertificate(role, plan, deps.clock.now(), issuer);
        const name = keyName(role, generation);
        await insertSealedKey(trx, {
          name,
          sealed: deps.vault.seal(created.pkcs8, name),
          publicData: created.cert.publicKey.toString('pem'),
        });
        const row: CaCertificateRow = {
          role,
          generation,
          der: Buffer.from(created.cert.rawData),
          keyName: name,
          notAfter: created.cert.notAfter,
        };
        await insertCaCertificate(trx, row);
        rows.push(row);
        const idx = rows.findIndex((x) => x.role === role && x.generation < generation);
        if (idx >= 0) rows.splice(idx, 1);
        signers[role] = { cert: created.cert, key: created.signingKey };
      }
    });
  }
  const rows = await listCurrentCaCertificates(deps.db);
  const row = (role: CaRole) => {
    const r = rows.find((x) => x.role === role);
    if (!r) throw new Error(`the ${role} CA certificate is missing`);
    return r;
  };
  const signer = async (role: CaRole): Promise<CaSigner> => {
    const r = row(role);
    const sealed = await findSealedKey(deps.db, r.keyName);
    if (!sealed) throw new Error(`the ${role} CA key is missing`);
    return {
      cert: new x509.X509Certificate(new Uint8Array(r.der)),
      der: r.der,
      key: await importSigningKey(deps.vault.open(sealed, r.keyName), plan[role].curve),
      hash: hashOf(plan[role].curve),
    };
  };
  const root = row('root');
  return {
    root: { cert: new x509.X509Certificate(new Uint8Array(root.der)), der: root.der },
    issuing: await signer('issuing'),
    ocsp: await signer('ocsp'),
    tsa: await signer('tsa'),
  };
}

async function createRoleCertificate(
  role: CaRole,
  plan: Record<CaRole, RolePlan>,
  now: Date,
  issuer: { cert: x509.X509Certificate; key: CryptoKey } | undefined,
): Promise<{ cert: x509.X509Certificate; pkcs8: Uint8Array; signingKey: CryptoKey }> {
  const { curve, validityDays } = plan[role];
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  const signingKey = await importSigningKey(pkcs8, curve);
  const subject = caName(CA_ROLE_NAMES[role]);
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + validityDays * DAY);
  const extensions = [
    ...caRoleExtensions(role),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  let cert: x509.X509Certificate;
  if (!issuer) {
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerialHex(),
      name: subject,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: hashOf(curve) },
      extensions: [
        ...extensions,
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
  } else {
    const issuerCurve = (issuer.cert.publicKey.algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
    cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialHex(),
      subject,
      issuer: issuer.cert.subjectName,
      notBefore,
      notAfter: notAfter < issuer.cert.notAfter ? notAfter : issuer.cert.notAfter,
      publicKey: keys.publicKey,
      signingKey: issuer.key,
      signingAlgorithm: { name: 'ECDSA', hash: issuerCurve === 'P-384' ? 'SHA-384' : 'SHA-256' },
      extensions: [
        ...extensions,
        await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
      ],
    });
  }
  return { cert, pkcs8, signingKey };
}
