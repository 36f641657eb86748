import { createDeviceProof } from '@openmid/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activatedPerson,
  challenge,
  registerClient,
  rpCall,
  type TestClient,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('GET /device/v1/requests/stream — server-sent events', () => {
  let node: TestNode;
  let rp: TestClient;
  beforeAll(async () => {
    node = await startTestNode();
    rp = await registerClient(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('pushes a new request, then its end', async () => {
    const person = await activatedPerson(node);
    const url = `${node.url}/device/v1/requests/stream`;
    const proof = await createDeviceProof({
      key: await person.device.keyStore.deviceSigningKey(),
      publicJwk: await person.device.keyStore.devicePublicJwk(),
      method: 'GET',
      url,
    });
    const abort = new AbortController();
    const response = await fetch(url, { headers: { dpop: proof }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += Buffer.from(value).toString();
      }
    };
    await readUntil(': connected');
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: person.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    await readUntil(`id: ${sessionId}`);
    expect(text).toContain('event: request');
    await rpCall(node, rp, 'DELETE', `/rp/v1/sessions/${sessionId}`);
    await readUntil('event: ended');
    expect(text).toContain(`"sessionId":"${sessionId}"`);
    abort.abort();
  });

  it('refuses a stream without a device proof', async () => {
    const r = await node.request('/device/v1/requests/stream');
    expect(r.status).toBe(401);
  });
});
