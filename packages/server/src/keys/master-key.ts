import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

export interface MasterKeyResult {
  key: Uint8Array;
  /** Where it came from, for the start-up notice. */
  source: 'config' | 'file' | 'generated';
  path?: string;
}

/**
 * The master key comes from MASTER_KEY. Outside production, a missing key is generated once
 * and kept in DATA_DIR/master.key (mode 0600), with a loud notice: convenient, not safe.
 */
export function resolveMasterKey(config: Config): MasterKeyResult {
  if (config.masterKey) return { key: config.masterKey, source: 'config' };
  if (config.env === 'production') throw new Error('MASTER_KEY is required in production');
  const path = join(config.dataDir, 'master.key');
  if (existsSync(path)) {
    const raw = readFileSync(path, 'utf8').trim();
    const key = Buffer.from(raw, 'hex');
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte hex key`);
    return { key: new Uint8Array(key), source: 'file', path };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key: new Uint8Array(key), source: 'generated', path };
}
