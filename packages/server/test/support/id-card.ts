import type { ActivationResponse } from '@openmid/protocol';
import { adminCall, registerPerson } from './admin.js';
import { activate, activationBody, makeTestDevice, type TestDevice } from './device.js';
import type { TestNode } from './test-node.js';

/** An answer's JSON after checking its status (the body in the failure message). */
export async function expectJson<T>(r: Response, status: number): Promise<T> {
  const text = await r.text();
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Holder {
  device: TestDevice;
  personId: string;
  /** With `credential`: the ID card issued at activation. */
  activation: ActivationResponse;
}

/** A registered person with an activated test phone (and so an ID card). */
export async function newHolder(
  node: TestNode,
  overrides: Record<string, unknown> = {},
): Promise<Holder> {
  const { personId } = await registerPerson(node, overrides);
  const code = await expectJson<{ activationCode: string }>(
    await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`),
    201,
  );
  const device = await makeTestDevice();
  const activation = await expectJson<ActivationResponse>(
    await activate(node, device, await activationBody(device, code.activationCode)),
    201,
  );
  return { device, personId, activation };
}

/** A verifier organisation and a one-time enrolment code for a device of `role`. */
export async function issueEnrolmentCode(
  node: TestNode,
  organisation: string,
  role: string,
  deviceName = `${role} terminal 1`,
): Promise<string> {
  const org = await expectJson<{ organisationId: string }>(
    await adminCall(node, 'POST', '/admin/v1/verifier-organisations', {
      body: { name: organisation },
    }),
    201,
  );
  const issued = await expectJson<{ enrolmentCode: string }>(
    await adminCall(
      node,
      'POST',
      `/admin/v1/verifier-organisations/${org.organisationId}/devices`,
      {
        body: { role, name: deviceName },
      },
    ),
    201,
  );
  return issued.enrolmentCode;
}

/** POST /verifiers/v1/enrolments. */
export function enrol(node: TestNode, enrolmentCode: string, csr: string): Promise<Response> {
  return node.request('/verifiers/v1/enrolments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrolmentCode, csr }),
  });
}
