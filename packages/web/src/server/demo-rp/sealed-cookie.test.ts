import { describe, expect, it } from 'vitest';
import { pickLang } from './demo-rp-messages.js';
import { escapeHtml } from './demo-rp-pages.js';
import { cookieHeader, createCookieSealer, readCookies } from './sealed-cookie.js';

describe('demo RP cookies', () => {
  const sealer = createCookieSealer('client-secret-1', 'session');

  it('opens what it sealed', async () => {
    const value = await sealer.seal({ sub: 'abc', declarations: ['x'] }, 60);
    expect(await sealer.open(value)).toMatchObject({ sub: 'abc', declarations: ['x'] });
  });

  it('refuses a tampered cookie, another purpose, another secret, an expired one', async () => {
    const value = await sealer.seal({ sub: 'abc' }, 60);
    const parts = value.split('.');
    const ciphertext = parts[3] as string;
    parts[3] = `${ciphertext.slice(0, -2)}${ciphertext.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await sealer.open(parts.join('.'))).toBeUndefined();
    expect(await createCookieSealer('client-secret-1', 'login').open(value)).toBeUndefined();
    expect(await createCookieSealer('client-secret-2', 'session').open(value)).toBeUndefined();
    const expired = await sealer.seal({ sub: 'abc' }, -10);
    expect(await sealer.open(expired)).toBeUndefined();
    expect(await sealer.open('not a jwe')).toBeUndefined();
    expect(await sealer.open(undefined)).toBeUndefined();
    expect(await sealer.open('x'.repeat(9000))).toBeUndefined();
  });

  it('reads cookie headers and writes HttpOnly, SameSite cookies', () => {
    const jar = readCookies('a=1; b=%E2%82%BC; broken=%E0%A4%A; a=2');
    expect(jar.get('a')).toBe('1');
    expect(jar.get('b')).toBe('₼');
    expect(jar.has('broken')).toBe(false);
    const header = cookieHeader('s', 'v v', { maxAgeSeconds: 60, secure: true, path: '/demo-rp' });
    expect(header).toBe('s=v%20v; Path=/demo-rp; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
  });
});

describe('demo RP pages', () => {
  it('escapes HTML and picks the language', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(pickLang('az', 'en', 'zh-TW')).toBe('az');
    expect(pickLang(undefined, 'zh-Hant', 'az')).toBe('zh-Hant');
    expect(pickLang('xx', undefined, 'zh-TW,zh;q=0.9')).toBe('zh-Hant');
    expect(pickLang(undefined, undefined, 'az-AZ')).toBe('az');
    expect(pickLang(undefined, undefined, 'fr')).toBe('en');
  });
});
