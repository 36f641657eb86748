import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { simplePdf } from '../../src/documents/test-pdfs.js';
import {
  activatedPerson,
  PIN2,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * Retention (issue 6, F25): a document sent for signing and its signed result are deleted after
 * DOCUMENT_RETENTION_SECONDS unless the RP asked to keep it. The node's clock is real time plus an
 * offset the test moves forward; the purge runs as the hourly job calls it.
 */
const RETENTION_SECONDS = 600;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let node: TestNode;
let rp: TestClient;
let signer: TestDevice;

beforeAll(async () => {
  node = await startTestNode({
    clock,
    env: { DOCUMENT_RETENTION_SECONDS: String(RETENTION_SECONDS) },
  });
  rp = await registerClient(node);
  signer = await activatedPerson(node, { givenName: 'Nigar', familyName: 'Həsənova' });
});

afterAll(async () => {
  await node?.stop();
});

async function signed(keep: boolean): Promise<string> {
  const r = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', {
    subject: { nationalId: signer.nationalId },
    document: Buffer.from(await simplePdf(keep ? 'Kept' : 'Temporary')).toString('base64'),
    documentName: keep ? 'kept.pdf' : 'temporary.pdf',
    format: 'PAdES',
    level: 'B-T',
    keep,
  });
  expect(r.status).toBe(201);
  const { sessionId } = (await r.json()) as { sessionId: string };
  const [request] = await signer.device.pendingRequests({ timeoutMs: 5000 });
  if (!request) throw new Error('no request');
  await signer.device.approve(request, PIN2);
  const done = (await (
    await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=5000`)
  ).json()) as { document?: string };
  expect(done.document).toBeDefined();
  return sessionId;
}

const documentOf = async (sessionId: string) =>
  (
    (await (await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}`)).json()) as {
      document?: string;
    }
  ).document;

describe('document retention', () => {
  it('purges documents past DOCUMENT_RETENTION_SECONDS, except those kept', async () => {
    const temporary = await signed(false);
    const kept = await signed(true);

    // Just before the end of the retention period nothing goes.
    offsetMs = (RETENTION_SECONDS - 5) * 1000;
    await node.ctx.documents.purgeExpired(node.ctx.db);
    expect(await documentOf(temporary)).toBeDefined();

    offsetMs = (RETENTION_SECONDS + 5) * 1000;
    expect(await node.ctx.documents.purgeExpired(node.ctx.db)).toBeGreaterThanOrEqual(1);
    expect(await documentOf(temporary)).toBeUndefined();
    expect(await documentOf(kept)).toBeDefined();
    // The session itself (its end result) stays: only the document is gone.
    const view = (await (await rpCall(node, rp, 'GET', `/rp/v1/sessions/${temporary}`)).json()) as {
      result?: { endResult: string };
    };
    expect(view.result?.endResult).toBe('OK');
  });
});
