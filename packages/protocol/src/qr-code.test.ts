import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseQrPayload, qrAuthCode, qrPayload } from './qr-code.js';

describe('dynamic QR code — F11', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64url');

  it('is the truncated HMAC-SHA256 of the secret and the elapsed seconds (node:crypto oracle)', async () => {
    const oracle = createHmac('sha256', Buffer.from(secret, 'base64url'))
      .update('mid-qr.7')
      .digest('hex')
      .slice(0, 32);
    expect(await qrAuthCode(secret, 7)).toBe(oracle);
  });

  it('changes every second', async () => {
    expect(await qrAuthCode(secret, 1)).not.toBe(await qrAuthCode(secret, 2));
  });

  it('round-trips through the payload', async () => {
    const payload = await qrPayload('tok_0123456789abcdef', secret, 3.7);
    expect(payload).toMatch(/^mid:\/\/qr\?t=tok_0123456789abcdef&c=3&h=[0-9a-f]{32}$/);
    expect(parseQrPayload(payload)).toEqual({
      token: 'tok_0123456789abcdef',
      elapsedSeconds: 3,
      authCode: await qrAuthCode(secret, 3),
    });
  });

  it.each([
    'mid://qr',
    'mid://qr?t=short&c=1&h=00000000000000000000000000000000',
    'mid://qr?t=tok_0123456789abcdef&c=-1&h=00000000000000000000000000000000',
    'mid://qr?t=tok_0123456789abcdef&c=1&h=XYZ',
    `mid://qr?t=${'a'.repeat(600)}`,
  ])('refuses %s', (payload) => {
    expect(parseQrPayload(payload)).toBeUndefined();
  });
});
