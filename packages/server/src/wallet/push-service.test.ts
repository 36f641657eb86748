import { describe, expect, it } from 'vitest';
import { publicOnlyLookup, validateSubscription } from './push-service.js';

const keys = {
  // A real uncompressed P-256 point (the generator G) and 16 bytes.
  p256dh: Buffer.concat([
    Buffer.from([4]),
    Buffer.from('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', 'hex'),
    Buffer.from('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5', 'hex'),
  ]).toString('base64url'),
  auth: Buffer.alloc(16, 7).toString('base64url'),
};

function lookup(host: string, allowPrivate: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    publicOnlyLookup(allowPrivate)(host, {}, (err, address) => {
      if (err) reject(err);
      else resolve(String(address));
    });
  });
}

describe('push subscription checks (SSRF)', () => {
  it('accepts an https endpoint on a public name with a valid point', () => {
    expect(validateSubscription({ endpoint: 'https://push.example.com/a', keys }, false).host).toBe(
      'push.example.com',
    );
  });

  it('refuses a name that resolves to a loopback address at connect time (DNS rebinding)', async () => {
    await expect(lookup('localhost', false)).rejects.toMatchObject({ code: 'ENONPUBLIC' });
    expect(await lookup('localhost', true)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('refuses a point off the curve', () => {
    const off = Buffer.alloc(65, 4).toString('base64url');
    expect(() =>
      validateSubscription(
        { endpoint: 'https://push.example.com/a', keys: { ...keys, p256dh: off } },
        false,
      ),
    ).toThrow(/P-256/);
  });
});
