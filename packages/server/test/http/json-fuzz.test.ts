import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personBody, registerPerson } from '../support/admin.js';
import { basicAuth, registerClient, type TestClient } from '../support/rp.js';
import { startTestNode, TEST_ADMIN_TOKEN, type TestNode } from '../support/test-node.js';

/**
 * Random and mutated bodies at every JSON endpoint (issue 2, "done means"): whatever arrives, the
 * answer is never a 5xx, every error is an RFC 9457 problem with a stable code, and the node keeps
 * serving. Each endpoint gets a valid template whose members are replaced, dropped or joined by
 * junk, plus raw non-JSON bytes.
 */
let node: TestNode;
let client: TestClient;
let personId: string;

beforeAll(async () => {
  node = await startTestNode();
  client = await registerClient(node);
  personId = (await registerPerson(node, personBody())).personId;
});
afterAll(async () => {
  await node?.stop();
});

type Auth = 'admin' | 'client' | 'none';
interface Endpoint {
  label: string;
  path: () => string;
  auth: Auth;
  template: () => Record<string, unknown>;
}

const hash = () => randomBytes(32).toString('base64');
const endpoints: Endpoint[] = [
  {
    label: '/admin/v1/persons',
    path: () => '/admin/v1/persons',
    auth: 'admin',
    template: () => personBody(),
  },
  {
    label: '/admin/v1/persons/{id}/activation-codes',
    path: () => `/admin/v1/persons/${personId}/activation-codes`,
    auth: 'admin',
    template: () => ({}),
  },
  {
    label: '/admin/v1/clients',
    path: () => '/admin/v1/clients',
    auth: 'admin',
    template: () => ({
      client_name: 'Fuzz RP',
      environment: 'sandbox',
      redirect_uris: ['https://rp.example.org/cb'],
      allowed_claims: ['given_name'],
    }),
  },
  {
    label: '/admin/v1/staff',
    path: () => '/admin/v1/staff',
    auth: 'admin',
    template: () => ({ name: 'Fuzz Officer', role: 'officer' }),
  },
  {
    label: '/admin/v1/certificates/${randomBytes(16).toString(',
    path: () => `/admin/v1/certificates/${randomBytes(16).toString('hex')}/revoke`,
    auth: 'admin',
    template: () => ({ reason: 'keyCompromise' }),
  },
  {
    label: '/rp/v1/authentication',
    path: () => '/rp/v1/authentication',
    auth: 'client',
    template: () => ({
      subject: { nationalId: 'PNOAZ-1234567' },
      hash: hash(),
      hashType: 'SHA256',
      displayText: 'Fuzz',
    }),
  },
  {
    label: '/rp/v1/certificate-choice',
    path: () => '/rp/v1/certificate-choice',
    auth: 'client',
    template: () => ({ subject: { nationalId: 'PNOAZ-1234567' } }),
  },
  {
    label: '/rp/v1/signature',
    path: () => '/rp/v1/signature',
    auth: 'client',
    template: () => ({
      subject: { phone: '+994501234567' },
      hash: hash(),
      hashType: 'SHA256',
      displayText: 'Fuzz',
    }),
  },
  {
    label: '/rp/v1/documents/signature',
    path: () => '/rp/v1/documents/signature',
    auth: 'client',
    template: () => ({
      subject: { nationalId: 'PNOAZ-1234567' },
      document: Buffer.from('%PDF-1.7\n%%EOF\n').toString('base64'),
      documentName: 'fuzz.pdf',
      format: 'PAdES',
      level: 'B-T',
    }),
  },
  {
    label: '/validation/v1/reports',
    path: () => '/validation/v1/reports',
    auth: 'none',
    template: () => ({ document: randomBytes(64).toString('base64') }),
  },
  {
    label: '/admin/v1/verifier-roles',
    path: () => '/admin/v1/verifier-roles',
    auth: 'admin',
    template: () => ({ name: 'fuzzrole', claims: ['age_over_18'], description: 'Fuzz' }),
  },
  {
    label: '/admin/v1/verifier-organisations',
    path: () => '/admin/v1/verifier-organisations',
    auth: 'admin',
    template: () => ({ name: `Fuzz org ${randomBytes(6).toString('hex')}` }),
  },
  {
    label: '/verifiers/v1/enrolments',
    path: () => '/verifiers/v1/enrolments',
    auth: 'none',
    template: () => ({ enrolmentCode: 'ABCD-EFGH-JKMN-PQRS-TVWX', csr: 'AA==' }),
  },
  {
    label: '/device/v1/activations',
    path: () => '/device/v1/activations',
    auth: 'none',
    template: () => ({
      activationCode: 'ABCDE-FGHJK-MNPQR-STVWX',
      authCsr: 'AA==',
      signCsr: 'AA==',
    }),
  },
];

function headersFor(auth: Auth): Record<string, string> {
  if (auth === 'admin') return { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  if (auth === 'client') return { authorization: basicAuth(client) };
  return {};
}

/** A body: the template with one member replaced, dropped or added, or raw junk. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue() }),
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), key: fc.string(), value: fc.jsonValue() }),
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue() }),
  fc.record({ kind: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 256 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function bodyOf(template: Record<string, unknown>, m: Mutation): string | Uint8Array<ArrayBuffer> {
  const keys = Object.keys(template);
  const copy: Record<string, unknown> = { ...template };
  switch (m.kind) {
    case 'replace':
      if (keys.length) copy[keys[m.pick % keys.length] as string] = m.value;
      return JSON.stringify(copy);
    case 'drop':
      if (keys.length) delete copy[keys[m.pick % keys.length] as string];
      return JSON.stringify(copy);
    case 'add':
      copy[m.key] = m.value;
      return JSON.stringify(copy);
    case 'json':
      return JSON.stringify(m.value);
    case 'raw':
      return new Uint8Array(m.bytes);
  }
}

describe('random bodies at every JSON endpoint', () => {
  for (const endpoint of endpoints) {
    it(`POST ${endpoint.label} never answers 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const response = await node.request(endpoint.path(), {
            method: 'POST',
            headers: { ...headersFor(endpoint.auth), 'content-type': 'application/json' },
            body: bodyOf(endpoint.template(), m),
          });
          const text = await response.text();
          expect(response.status, text).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toContain('application/problem+json');
            const problem = JSON.parse(text) as Record<string, unknown>;
            expect(typeof problem.error).toBe('string');
            expect(problem.status).toBe(response.status);
            expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it('still serves after the barrage', async () => {
    expect((await node.request('/healthz')).status).toBe(200);
  });
});
