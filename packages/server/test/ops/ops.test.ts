import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('operations endpoints — F30', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('GET /healthz answers ok', async () => {
    const r = await node.request('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks the database', async () => {
    const r = await node.request('/readyz');
    expect(r.status).toBe(200);
    expect((await r.json()).status).toBe('ready');
  });

  it('GET /metrics serves Prometheus text with HTTP histograms', async () => {
    await node.request('/healthz');
    const r = await node.request('/metrics');
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toContain('openmid_http_request_duration_seconds_bucket');
    expect(text).toContain('openmid_process_cpu_user_seconds_total');
  });

  it('answers an unknown route with an RFC 9457 problem and a request id', async () => {
    const r = await node.request('/no/such/route', {
      headers: { 'x-request-id': 'trace-12345678' },
    });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('x-request-id')).toBe('trace-12345678');
    const body = await r.json();
    expect(body).toMatchObject({ status: 404, error: 'not_found', requestId: 'trace-12345678' });
    expect(body.type).toBe('urn:openmid:problem:not_found');
  });

  it('answers a malformed percent-encoded URL with a 400 problem, not a bare error', async () => {
    for (const path of ['/ocsp/%E0%A4%A', '/log/v1/sth?x=%zz', '/%', '/pki/%c0%af']) {
      const r = await node.request(path);
      expect(r.status).toBeLessThan(500);
      if (r.status === 400) {
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        const body = await r.json();
        expect(body).toMatchObject({ status: 400, error: 'invalid_request' });
      }
    }
    const r = await node.request('/ocsp/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      error: 'invalid_request',
      detail: 'the URL is not validly percent-encoded',
    });
  });
});
