import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({
      env: 'development',
      port: 8080,
      publicUrl: 'http://localhost:8080',
      dataDir: '/srv/data',
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.features.sandbox.enabled).toBe(true);
    expect(Object.isFrozen(c.pki)).toBe(true);
  });
  it('reports every problem at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        PUBLIC_URL: 'not a url',
        DATABASE_URL: 'mysql://x',
        MASTER_KEY: 'short',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'MASTER_KEY'])
        expect(problems).toContain(name);
    }
  });
  it('refuses unsafe defaults in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://mid.example.az' }),
    ).toThrow(/MASTER_KEY/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        PUBLIC_URL: 'http://mid.example.az',
        MASTER_KEY: 'a'.repeat(64),
        SANDBOX: 'false',
      }),
    ).toThrow(/https/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://mid.example.az/',
      MASTER_KEY: 'a'.repeat(64),
    });
    expect(ok.features.sandbox.enabled).toBe(false);
    expect(ok.publicUrl).toBe('https://mid.example.az');
  });
  it('accepts a hex or base64 master key', () => {
    expect(loadConfig({ MASTER_KEY: 'ab'.repeat(32) }).masterKey).toHaveLength(32);
    expect(
      loadConfig({ MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey,
    ).toHaveLength(32);
  });
});
