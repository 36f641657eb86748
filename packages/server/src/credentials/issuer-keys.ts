import { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import { type IssuerKeyRow, insertIssuerKey, listIssuerKeyRows } from './credential-store.js';

/**
 * The ID card issuer's ES256 keys (F9: sealed under the master key). The newest generation signs;
 * every unretired generation is published, so credentials signed before a rotation stay
 * verifiable until they expire. Private keys are imported non-extractable.
 */
export interface IssuerKey {
  kid: string;
  generation: number;
  publicJwk: JWK;
  privateKey: webcrypto.CryptoKey;
}

const label = (kid: string) => `credentials/issuer-key/${kid}`;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

async function makeKey(vault: KeyVault, generation: number): Promise<IssuerKeyRow> {
  const pair = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await exportJWK(pair.publicKey);
  const publicJwk: JWK = { kty, crv, x, y };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  return {
    kid,
    generation,
    publicJwk: JSON.stringify({ ...publicJwk, kid, alg: 'ES256', use: 'sig' }),
    sealed: vault.seal(pkcs8, label(kid)),
  };
}

export function createIssuerKeys(deps: { db: Db; vault: KeyVault }) {
  const loaded = new Map<string, IssuerKey>();

  async function open(row: IssuerKeyRow): Promise<IssuerKey> {
    const known = loaded.get(row.kid);
    if (known) return known;
    const privateKey = await webcrypto.subtle.importKey(
      'pkcs8',
      deps.vault.open(row.sealed, label(row.kid)),
      EC,
      false,
      ['sign'],
    );
    const key = {
      kid: row.kid,
      generation: row.generation,
      publicJwk: JSON.parse(row.publicJwk) as JWK,
      privateKey,
    };
    loaded.set(row.kid, key);
    return key;
  }

  async function rows(): Promise<IssuerKeyRow[]> {
    let list = await listIssuerKeyRows(deps.db);
    if (list.length === 0) {
      // First start: make generation 1 (a node starting at the same time may win; read again).
      await insertIssuerKey(deps.db, await makeKey(deps.vault, 1));
      list = await listIssuerKeyRows(deps.db);
    }
    return list;
  }

  return {
    /** The signing key: the newest generation (created on first use). */
    async current(): Promise<IssuerKey> {
      const [newest] = await rows();
      if (!newest) throw new Error('no credential issuer key');
      return open(newest);
    },
    /** Public JWKs of every unretired generation, newest first. */
    async published(): Promise<JWK[]> {
      return (await rows()).map((r) => JSON.parse(r.publicJwk) as JWK);
    },
    /** Make the next generation; it signs from now on. Returns its kid. */
    async rotate(db: Db): Promise<string> {
      const [newest] = await listIssuerKeyRows(db);
      const next = await makeKey(deps.vault, (newest?.generation ?? 0) + 1);
      if (!(await insertIssuerKey(db, next))) {
        throw new Error('another node rotated the issuer key at the same time');
      }
      return next.kid;
    },
  };
}

export type IssuerKeys = ReturnType<typeof createIssuerKeys>;
