import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import { findStoredKey, insertStoredKeyIfAbsent } from './log-key-store.js';

/** stored_keys name and vault label of the tree-head signing key. */
export const LOG_KEY_NAME = 'log-signing-key';

export interface LogPublicKey {
  publicKey: KeyObject;
  /** RFC 7638 thumbprint of the public JWK (SHA-256, base64url). */
  keyId: string;
  pem: string;
  jwk: JWK;
}

export interface LogSigningKey extends LogPublicKey {
  privateKey: KeyObject;
}

export async function describePublicKey(publicKey: KeyObject): Promise<LogPublicKey> {
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error('the log key must be an EC P-256 key');
  }
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const keyId = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    publicKey,
    keyId,
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwk: { ...jwk, kid: keyId, alg: 'ES256', use: 'sig' },
  };
}

/** A public key given as SPKI PEM (the verifier's --public-key, or stored_keys.public_data). */
export function publicKeyFromPem(pem: string): Promise<LogPublicKey> {
  return describePublicKey(createPublicKey(pem));
}

/**
 * The log's ECDSA P-256 key: created on first start, sealed under the master key in stored_keys
 * (never plaintext) and shared by every node. Two nodes starting at once race on the insert; both
 * then read the one that won.
 */
export async function loadOrCreateLogKey(db: Db, vault: KeyVault): Promise<LogSigningKey> {
  let stored = await findStoredKey(db, LOG_KEY_NAME);
  if (!stored) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    await insertStoredKeyIfAbsent(db, {
      name: LOG_KEY_NAME,
      sealed: vault.seal(pkcs8, LOG_KEY_NAME),
      publicData: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
    stored = await findStoredKey(db, LOG_KEY_NAME);
    if (!stored) throw new Error('the log signing key was not stored');
  }
  const privateKey = createPrivateKey({
    key: vault.open(stored.sealed, LOG_KEY_NAME),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, ...(await describePublicKey(createPublicKey(privateKey))) };
}

/** The published public key as stored (no master key needed): what `openmid log verify` trusts. */
export async function findStoredLogPublicKey(db: Db): Promise<LogPublicKey | undefined> {
  const stored = await findStoredKey(db, LOG_KEY_NAME);
  return stored?.publicData ? publicKeyFromPem(stored.publicData) : undefined;
}
