import { randomInt } from 'node:crypto';
import { TEST_ADMIN_TOKEN, type TestNode } from './test-node.js';

/** A national id nobody else in this worker's database has. */
export function uniqueNationalId(country = 'AZ'): string {
  return `PNO${country}-${Date.now().toString(36).toUpperCase()}${randomInt(1e9).toString(36).toUpperCase()}`;
}

/** A phone number nobody else in this worker's database has (E.164). */
export function uniquePhone(): string {
  return `+99450${String(randomInt(1e9)).padStart(9, '0')}`;
}

/** JSON call to the admin API as a staff member (the bootstrap operator by default). */
export function adminCall(
  node: TestNode,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; rawBody?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TEST_ADMIN_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return node.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
}

export function personBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nationalId: uniqueNationalId(),
    givenName: 'Leyla',
    familyName: 'Məmmədova',
    birthDate: '1990-04-12',
    nationality: 'AZ',
    phone: uniquePhone(),
    ...overrides,
  };
}

/** Register a person as the bootstrap operator; returns the id and the body sent. */
export async function registerPerson(
  node: TestNode,
  overrides: Record<string, unknown> = {},
): Promise<{ personId: string; body: Record<string, unknown> }> {
  const body = personBody(overrides);
  const r = await adminCall(node, 'POST', '/admin/v1/persons', { body });
  if (r.status !== 201)
    throw new Error(`registering a person failed: ${r.status} ${await r.text()}`);
  const { personId } = (await r.json()) as { personId: string };
  return { personId, body };
}

/** Create a staff member as the bootstrap operator; returns their token. */
export async function createStaff(
  node: TestNode,
  role: 'operator' | 'officer' | 'auditor' | 'call_centre',
  name = `${role} ${randomInt(1e6)}`,
): Promise<{ staffId: string; token: string }> {
  const r = await adminCall(node, 'POST', '/admin/v1/staff', { body: { role, name } });
  if (r.status !== 201) throw new Error(`creating staff failed: ${r.status} ${await r.text()}`);
  return (await r.json()) as { staffId: string; token: string };
}
