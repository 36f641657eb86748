import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { verifyCsr } from './csr.js';

async function csr(): Promise<Uint8Array> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=fuzz',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return new Uint8Array(req.rawData);
}

const onlyInvalidCsr = async (der: Uint8Array) => {
  try {
    await verifyCsr(der);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_csr');
    return false;
  }
};

describe('verifyCsr — proof of possession (SPEC F4)', () => {
  it('accepts a well-formed P-256 request', async () => {
    expect(await onlyInvalidCsr(await csr())).toBe(true);
  });

  it('throws only invalid_csr for random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), async (bytes) => {
        await onlyInvalidCsr(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a request with any byte changed (every byte, three bit patterns)', async () => {
    const valid = await csr();
    for (let index = 0; index < valid.length; index += 1) {
      for (const xor of [0x01, 0x80, 0xff]) {
        const mutated = valid.slice();
        mutated[index] = (mutated[index] as number) ^ xor;
        // Every byte is signed, the signature, or strict-DER framing the parser checks.
        expect(await onlyInvalidCsr(mutated), `byte ${index} ^ ${xor}`).toBe(false);
      }
    }
  });

  it('throws only invalid_csr for truncated requests', async () => {
    const valid = await csr();
    for (let n = 0; n < valid.length; n += 1) {
      expect(await onlyInvalidCsr(valid.subarray(0, n))).toBe(false);
    }
  });
});
