import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { CIBA_GRANT, validateRegistration } from './client-metadata.js';
import { isNonPublicHost } from './url-policy.js';

const problemsOf = (input: unknown): string[] => {
  try {
    validateRegistration(input, 'cid');
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invalid_request');
    return (e as AppError).extensions.problems as string[];
  }
  throw new Error('expected the registration to be refused');
};

describe('client registration — RFC 7591, OIDC Registration, CIBA Core §4', () => {
  it('accepts a REST-only client and gives it its own id as sector', () => {
    const v = validateRegistration({ client_name: ' Tax ', environment: 'production' }, 'cid');
    expect(v.registration).toMatchObject({
      client_name: 'Tax',
      environment: 'production',
      grant_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      subject_type: 'pairwise',
    });
    expect(v.sector).toBe('cid');
  });

  it('defaults a client with redirect URIs to the code flow and takes their host as sector', () => {
    const v = validateRegistration(
      {
        client_name: 'Bank',
        environment: 'production',
        redirect_uris: ['https://bank.example/cb', 'https://bank.example/cb2'],
        allowed_claims: ['given_name', 'age_over_18'],
      },
      'cid',
    );
    expect(v.registration.grant_types).toEqual(['authorization_code']);
    expect(v.registration.response_types).toEqual(['code']);
    expect(v.sector).toBe('bank.example');
    expect(v.allowedClaims).toEqual(['given_name', 'age_over_18']);
  });

  it('refuses loopback, private and http URLs for a production client', () => {
    const problems = problemsOf({
      client_name: 'Bad',
      environment: 'production',
      redirect_uris: ['http://localhost:3000/cb', 'https://10.1.2.3/cb', 'https://[::1]/cb'],
      logo_uri: 'https://192.168.1.1/logo.png',
    });
    expect(problems.join('\n')).toMatch(/must be https/);
    expect(problems.filter((p) => p.includes('private address'))).toHaveLength(4);
  });

  it('allows localhost URLs for a sandbox client', () => {
    const v = validateRegistration(
      { client_name: 'Dev', environment: 'sandbox', redirect_uris: ['http://localhost:3000/cb'] },
      'cid',
    );
    expect(v.sector).toBe('localhost');
  });

  it('requires a sector_identifier_uri when redirect URIs name several hosts', () => {
    expect(
      problemsOf({
        client_name: 'Two',
        environment: 'sandbox',
        redirect_uris: ['https://a.example/cb', 'https://b.example/cb'],
      }).join(),
    ).toMatch(/sector_identifier_uri/);
    const v = validateRegistration(
      {
        client_name: 'Two',
        environment: 'sandbox',
        redirect_uris: ['https://a.example/cb', 'https://b.example/cb'],
        sector_identifier_uri: 'https://sector.example/uris.json',
      },
      'cid',
    );
    expect(v.sector).toBe('sector.example');
  });

  it('requires jwks_uri of a pairwise CIBA client and takes its host as sector', () => {
    expect(
      problemsOf({
        client_name: 'CC',
        environment: 'production',
        grant_types: [CIBA_GRANT],
        backchannel_token_delivery_mode: 'poll',
      }).join(),
    ).toMatch(/jwks_uri/);
    const v = validateRegistration(
      {
        client_name: 'CC',
        environment: 'production',
        grant_types: [CIBA_GRANT],
        backchannel_token_delivery_mode: 'poll',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://keys.callcentre.example/jwks.json',
      },
      'cid',
    );
    expect(v.sector).toBe('keys.callcentre.example');
  });

  it('requires a notification endpoint for CIBA ping mode', () => {
    expect(
      problemsOf({
        client_name: 'CC',
        environment: 'sandbox',
        grant_types: [CIBA_GRANT],
        backchannel_token_delivery_mode: 'ping',
        jwks_uri: 'https://keys.example/jwks.json',
      }).join(),
    ).toMatch(/backchannel_client_notification_endpoint is required/);
  });

  it('refuses CIBA members without the CIBA grant, unknown grants and unknown claims', () => {
    const problems = problemsOf({
      client_name: 'X',
      environment: 'sandbox',
      grant_types: ['implicit'],
      backchannel_token_delivery_mode: 'poll',
      allowed_claims: ['ssn'],
    }).join('\n');
    expect(problems).toMatch(/implicit/);
    expect(problems).toMatch(/backchannel_token_delivery_mode needs/);
    expect(problems).toMatch(/"ssn" is not a known claim/);
  });

  it('refuses private key material in jwks and private_key_jwt without keys', () => {
    expect(
      problemsOf({
        client_name: 'K',
        environment: 'sandbox',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] },
      }).join(),
    ).toMatch(/private or symmetric/);
    expect(
      problemsOf({
        client_name: 'K',
        environment: 'sandbox',
        token_endpoint_auth_method: 'private_key_jwt',
      }).join(),
    ).toMatch(/needs jwks or jwks_uri/);
  });

  it('requires keys for encrypted ID tokens and defaults the content encryption', () => {
    expect(
      problemsOf({
        client_name: 'E',
        environment: 'sandbox',
        id_token_encrypted_response_alg: 'ECDH-ES',
      }).join(),
    ).toMatch(/needs the client's jwks/);
    const v = validateRegistration(
      {
        client_name: 'E',
        environment: 'sandbox',
        id_token_encrypted_response_alg: 'ECDH-ES',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] },
      },
      'cid',
    );
    expect(v.registration.id_token_encrypted_response_enc).toBe('A128CBC-HS256');
  });

  it('refuses a missing name, a bad environment and a public subject type, all at once', () => {
    const problems = problemsOf({ environment: 'staging', subject_type: 'public' });
    expect(problems).toHaveLength(3);
  });

  it('refuses a body that is not an object', () => {
    expect(() => validateRegistration([], 'cid')).toThrow(AppError);
  });
});

describe('url policy — non-public hosts', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '10.0.0.8',
    '172.20.1.1',
    '192.168.0.1',
    '169.254.169.254',
    '[::1]',
    'fd00::1',
    'fe80::1',
    '[::ffff:7f00:1]',
    'intranet',
    '0.0.0.0',
  ])('%s is not public', (host) => {
    expect(isNonPublicHost(host)).toBe(true);
  });
  it.each(['bank.example', '8.8.8.8', '2001:4860:4860::8888'])('%s is public', (host) => {
    expect(isNonPublicHost(host)).toBe(false);
  });
});
