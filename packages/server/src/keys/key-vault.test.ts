import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyVault, SealError } from './key-vault.js';

describe('key vault — F9 keys encrypted at rest', () => {
  const vault = createKeyVault(randomBytes(32));

  it('opens what it sealed', () => {
    const secret = randomBytes(100);
    expect(vault.open(vault.seal(secret, 'ca:root'), 'ca:root')).toEqual(secret);
  });
  it('does not contain the plaintext', () => {
    const secret = Buffer.from('private-key-material-private-key-material');
    expect(vault.seal(secret, 'x')).not.toContain(secret.toString('base64url').slice(0, 20));
  });
  it('refuses another label, another key and tampering', () => {
    const sealed = vault.seal(Buffer.from('k'), 'ca:root');
    expect(() => vault.open(sealed, 'ca:issuing')).toThrow(SealError);
    expect(() => createKeyVault(randomBytes(32)).open(sealed, 'ca:root')).toThrow(SealError);
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    expect(() => vault.open(flipped, 'ca:root')).toThrow(SealError);
    expect(() => vault.open('garbage', 'ca:root')).toThrow(SealError);
  });
  it('derives distinct stable keys per label', () => {
    expect(vault.deriveKey('a')).toEqual(vault.deriveKey('a'));
    expect(vault.deriveKey('a')).not.toEqual(vault.deriveKey('b'));
  });
});
