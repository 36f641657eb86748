import { randomInt } from 'node:crypto';
import { DeviceClient, SoftwareKeyStore } from '@openmid/device';
import type { PendingRequest } from '@openmid/protocol';
import { TEST_ADMIN_TOKEN, type TestNode } from '../../support/test-node.js';

export const PIN1 = '1234';
export const PIN2 = '12345';

export interface Citizen {
  personId: string;
  nationalId: string;
  phone: string;
  device: DeviceClient;
  /** Wait for the next request on the phone (long poll). */
  nextRequest(): Promise<PendingRequest>;
}

async function admin(node: TestNode, path: string, body?: unknown): Promise<unknown> {
  const res = await node.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Register a person through the admin API and activate a phone with the device SDK. */
export async function registerCitizen(
  node: TestNode,
  person: { givenName?: string; familyName?: string; birthDate?: string } = {},
): Promise<Citizen> {
  const number = String(randomInt(1_000_000, 9_999_999));
  const nationalId = `PNOAZ-${number}`;
  const phone = `+99450${number}`;
  const { personId } = (await admin(node, '/admin/v1/persons', {
    nationalId,
    givenName: person.givenName ?? 'Aysel',
    familyName: person.familyName ?? 'Mammadova',
    birthDate: person.birthDate ?? '1990-04-12',
    nationality: 'AZ',
    phone,
    email: `citizen${number}@example.az`,
  })) as { personId: string };
  const { activationCode } = (await admin(
    node,
    `/admin/v1/persons/${personId}/activation-codes`,
  )) as { activationCode: string };
  const provisioning = await SoftwareKeyStore.provision({
    pin1: PIN1,
    pin2: PIN2,
    kdfIterations: 1_000,
  });
  const { keyStore } = await DeviceClient.activate({
    serverUrl: node.url,
    activationCode,
    provisioning,
  });
  const device = new DeviceClient({ serverUrl: node.url, keyStore });
  return {
    personId,
    nationalId,
    phone,
    device,
    async nextRequest() {
      for (let i = 0; i < 10; i++) {
        const [request] = await device.pendingRequests({ timeoutMs: 10_000 });
        if (request) return request;
      }
      throw new Error('no request reached the phone');
    },
  };
}
