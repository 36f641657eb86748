import { createHash, randomBytes } from 'node:crypto';
import { DeviceClient, SoftwareKeyStore } from '@openmid/device';
import { adminCall, registerPerson } from './admin.js';
import type { TestNode } from './test-node.js';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  body: Record<string, unknown>;
}

/** Register a relying-party client as the bootstrap operator. */
export async function registerClient(
  node: TestNode,
  overrides: Record<string, unknown> = {},
): Promise<TestClient> {
  const r = await adminCall(node, 'POST', '/admin/v1/clients', {
    body: {
      client_name: `RP ${randomBytes(3).toString('hex')}`,
      environment: 'sandbox',
      allowed_claims: ['given_name', 'family_name', 'birthdate', 'age_over_18'],
      ...overrides,
    },
  });
  if (r.status !== 201)
    throw new Error(`registering a client failed: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as Record<string, unknown>;
  return { clientId: body.client_id as string, clientSecret: body.client_secret as string, body };
}

export const basicAuth = (client: { clientId: string; clientSecret: string }) =>
  `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

/** JSON call to the RP API as a client. */
export function rpCall(
  node: { request(path: string, init?: RequestInit): Promise<Response> },
  client: { clientId: string; clientSecret: string } | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (client) h.authorization = basicAuth(client);
  if (body !== undefined) h['content-type'] = 'application/json';
  return node.request(path, {
    method,
    headers: h,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

export const PIN1 = '1234';
export const PIN2 = '12345';

export interface TestDevice {
  personId: string;
  nationalId: string;
  phone: string;
  device: DeviceClient;
  deviceId: string;
  authCertificate: string;
  signCertificate: string;
}

/** Register a person, issue an activation code and activate a software device for them. */
export async function activatedPerson(
  node: TestNode,
  overrides: Record<string, unknown> = {},
): Promise<TestDevice> {
  const { personId, body } = await registerPerson(node, overrides);
  const r = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
  if (r.status !== 201) throw new Error(`activation code failed: ${r.status} ${await r.text()}`);
  const { activationCode } = (await r.json()) as { activationCode: string };
  const provisioning = await SoftwareKeyStore.provision({
    pin1: PIN1,
    pin2: PIN2,
    kdfIterations: 1,
  });
  const { registration, keyStore } = await DeviceClient.activate({
    serverUrl: node.url,
    activationCode,
    provisioning,
  });
  return {
    personId,
    nationalId: body.nationalId as string,
    phone: body.phone as string,
    device: new DeviceClient({ serverUrl: node.url, keyStore }),
    deviceId: registration.deviceId,
    authCertificate: registration.authCertificate,
    signCertificate: registration.signCertificate,
  };
}

/** A random RP challenge and its base64. */
export function challenge(bytes = 32): { raw: Buffer; b64: string } {
  const raw = randomBytes(bytes);
  return { raw, b64: raw.toString('base64') };
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}
