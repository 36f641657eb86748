import { describe, expect, it } from 'vitest';
import { parseBasicAuthorization } from './client-auth.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('HTTP Basic client credentials — RFC 6749 §2.3.1', () => {
  it('reads id and secret', () => {
    expect(parseBasicAuthorization(basic('abc:s3cr:et'))).toEqual({
      clientId: 'abc',
      secret: 's3cr:et',
    });
  });
  it('form-decodes both parts', () => {
    expect(parseBasicAuthorization(basic('a%3Ab:x+y%25'))).toEqual({
      clientId: 'a:b',
      secret: 'x y%',
    });
  });
  it.each([
    undefined,
    '',
    'Bearer abc',
    'Basic',
    'Basic !!!',
    basic('nocolon'),
    basic(':secret'),
    basic('id:%E0%A4%A'),
  ])('refuses %s', (header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});
