import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import { insertSigningKeys, listSigningKeys, lockSigningKeys } from './oidc-store.js';

/** The algorithms the provider signs ID tokens and userinfo with; the first is the default. */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

const label = (kid: string) => `oidc-signing-key:${kid}`;

function generate(alg: SigningAlg): { privateJwk: JWK; publicJwk: JWK } {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateJwk: privateKey.export({ format: 'jwk' }) as JWK,
    publicJwk: publicKey.export({ format: 'jwk' }) as JWK,
  };
}

async function newKeyRows(vault: KeyVault, now: Date) {
  const rows = [];
  for (const alg of SIGNING_ALGS) {
    const { privateJwk, publicJwk } = generate(alg);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const pub: JWK = { ...publicJwk, kid, alg, use: 'sig' };
    rows.push({
      kid,
      alg,
      sealed: vault.seal(Buffer.from(JSON.stringify(privateJwk)), label(kid)),
      publicJwk: JSON.stringify(pub),
      createdAt: now,
    });
  }
  return rows;
}

/**
 * The provider's signing keys as a private JWKS, newest first (oidc-provider signs with the first
 * key of an algorithm; older keys stay published so tokens they signed still verify). Created on
 * first start: one ES256 and one RS256 key, the private halves sealed under the master key.
 */
export async function loadOrCreateSigningKeys(
  db: Db,
  vault: KeyVault,
  clock: Clock,
): Promise<{ keys: JWK[] }> {
  let rows = await listSigningKeys(db);
  if (rows.length === 0) {
    await db.transaction().execute(async (trx) => {
      await lockSigningKeys(trx);
      if ((await listSigningKeys(trx)).length === 0) {
        await insertSigningKeys(trx, await newKeyRows(vault, clock.now()));
      }
    });
    rows = await listSigningKeys(db);
  }
  return {
    keys: rows.map((row) => {
      const pub = JSON.parse(row.publicJwk) as JWK;
      const priv = JSON.parse(vault.open(row.sealed, label(row.kid)).toString('utf8')) as JWK;
      return { ...priv, kty: pub.kty, kid: row.kid, alg: row.alg, use: 'sig' };
    }),
  };
}

/**
 * Key rotation: add a new ES256 and RS256 key, which sign from now on; the previous keys stay in
 * the JWKS for verification. Returns the new key ids.
 */
export async function rotateSigningKeys(db: Db, vault: KeyVault, clock: Clock): Promise<string[]> {
  // Strictly newer than every existing key, even with a coarse or fixed clock.
  const existing = await listSigningKeys(db);
  const newest = existing[0]?.createdAt.getTime() ?? 0;
  const now = new Date(Math.max(clock.now().getTime(), newest + 1));
  const rows = await newKeyRows(vault, now);
  await insertSigningKeys(db, rows);
  return rows.map((r) => r.kid);
}

/** A fingerprint of the stored key set: nodes compare it to notice a rotation done elsewhere. */
export async function signingKeysVersion(db: Db): Promise<string> {
  const rows = await listSigningKeys(db);
  return rows.map((r) => r.kid).join(',');
}
