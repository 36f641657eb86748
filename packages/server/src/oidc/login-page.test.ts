import { describe, expect, it } from 'vitest';
import { pickLocale } from './login-messages.js';
import { renderLoginPage } from './login-page.js';

describe('log-in page — F29 languages, escaping', () => {
  it('picks az and zh-Hant from ui_locales or Accept-Language, else English', () => {
    expect(pickLocale('az')).toBe('az');
    expect(pickLocale(undefined, 'zh-TW,zh;q=0.9')).toBe('zh-Hant');
    expect(pickLocale('fr de', 'az-AZ')).toBe('az');
    expect(pickLocale('fr')).toBe('en');
  });

  it('escapes the client name and keeps the data block closed', () => {
    const html = renderLoginPage({
      lang: 'en',
      uid: 'u1',
      clientName: '<script>alert(1)</script></script>',
      claims: ['given_name'],
      interactionBase: '/oidc/interaction/u1',
      assetsBase: '/oidc/assets',
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script/g)?.length).toBe(2); // login.js and the JSON data block
    expect(html).toContain('given name');
  });

  it('renders the three languages', () => {
    const base = {
      uid: 'u1',
      clientName: 'e-Tax',
      claims: [],
      interactionBase: '/oidc/interaction/u1',
      assetsBase: '/oidc/assets',
    };
    expect(renderLoginPage({ ...base, lang: 'az' })).toContain('Mobil ID');
    expect(renderLoginPage({ ...base, lang: 'zh-Hant' })).toContain('行動身分證');
    expect(renderLoginPage({ ...base, lang: 'en' })).toContain('Log in to e-Tax');
  });
});
