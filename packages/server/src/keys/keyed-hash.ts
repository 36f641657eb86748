import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyVault } from './key-vault.js';

/**
 * HMAC-SHA256 under a key derived from the master key for one purpose: look-up columns for
 * personal data and hashes of bearer secrets. Without the master key the values reveal nothing
 * and cannot be brute-forced offline.
 */
export interface KeyedHash {
  (value: string): Buffer;
  /** Constant-time comparison of a candidate against a stored hash. */
  matches(value: string, stored: Uint8Array): boolean;
}

export function keyedHash(vault: KeyVault, label: string): KeyedHash {
  const key = vault.deriveKey(label);
  const hash = ((value: string) =>
    createHmac('sha256', key).update(value, 'utf8').digest()) as KeyedHash;
  hash.matches = (value, stored) => {
    const candidate = hash(value);
    return stored.length === candidate.length && timingSafeEqual(candidate, stored);
  };
  return hash;
}

/**
 * A short keyed pseudonym of a source address for audit entries: the public log must not carry
 * addresses, while the operator can still recognise a repeated source (and test a suspect one).
 */
export function sourcePseudonym(vault: KeyVault): (address: string) => string {
  const key = vault.deriveKey('audit/source-address');
  return (address) =>
    createHmac('sha256', key)
      .update(address, 'utf8')
      .digest()
      .subarray(0, 12)
      .toString('base64url');
}
