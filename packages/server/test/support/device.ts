import { randomBytes } from 'node:crypto';
import { createCsr } from '@openmid/device';
import { exportJWK, type JWK, SignJWT } from 'jose';
import type { TestNode } from './test-node.js';

/** The three key pairs a phone makes (DESIGN §4): device key, auth key (PIN1), sign key (PIN2). */
export interface TestDevice {
  deviceKey: CryptoKeyPair;
  deviceJwk: JWK;
  authKey: CryptoKeyPair;
  signKey: CryptoKeyPair;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function makeTestDevice(): Promise<TestDevice> {
  const gen = () => crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const deviceKey = await gen();
  const { kty, crv, x, y } = await exportJWK(deviceKey.publicKey);
  return { deviceKey, deviceJwk: { kty, crv, x, y }, authKey: await gen(), signKey: await gen() };
}

/** A device proof built with jose directly (an oracle independent of the device SDK). */
export function proof(
  device: TestDevice,
  method: string,
  url: string,
  overrides: { iat?: number; jti?: string; htm?: string; htu?: string; typ?: string } = {},
): Promise<string> {
  return new SignJWT({
    htm: overrides.htm ?? method,
    htu: overrides.htu ?? url,
    jti: overrides.jti ?? randomBytes(16).toString('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: overrides.typ ?? 'dpop+jwt', jwk: device.deviceJwk })
    .setIssuedAt(overrides.iat ?? Math.floor(Date.now() / 1000))
    .sign(device.deviceKey.privateKey);
}

export async function activationBody(
  device: TestDevice,
  activationCode: string,
): Promise<Record<string, string>> {
  const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
  return {
    activationCode,
    authCsr: b64(await createCsr(device.authKey, 'CN=auth')),
    signCsr: b64(await createCsr(device.signKey, 'CN=sign')),
    deviceName: 'Test phone',
  };
}

/** POST /device/v1/activations with a fresh proof. */
export async function activate(
  node: TestNode,
  device: TestDevice,
  body: Record<string, unknown>,
  proofOverrides: Parameters<typeof proof>[3] = {},
): Promise<Response> {
  const url = `${node.url}/device/v1/activations`;
  return node.request('/device/v1/activations', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      dpop: await proof(device, 'POST', url, proofOverrides),
    },
    body: JSON.stringify(body),
  });
}

/** A device-API call with a fresh proof (or the given one). */
export async function deviceCall(
  node: TestNode,
  device: TestDevice,
  method: string,
  path: string,
  options: { body?: unknown; dpop?: string; proof?: Parameters<typeof proof>[3] } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    dpop: options.dpop ?? (await proof(device, method, `${node.url}${path}`, options.proof)),
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return node.request(path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}
