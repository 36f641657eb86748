import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { MAX_OCSP_REQUEST_BYTES, OcspStatus, ocspErrorResponse } from '../pki/ocsp.js';
import { MAX_TSA_REQUEST_BYTES } from '../pki/tsa.js';

const PEM = 'application/x-pem-file';
const CER = 'application/pkix-cert';
const OCSP_RESPONSE = 'application/ocsp-response';
/** Standard or URL-safe base64, optionally padded (RFC 6960 Appendix A.1 GET requests). */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** PEM with a final newline, so files concatenate into bundles. */
const pem = (der: Uint8Array): string =>
  `${new x509.X509Certificate(new Uint8Array(der)).toString('pem').trimEnd()}\n`;

/**
 * The public trust endpoints of SPEC §4.2: CA certificates, CRL, OCSP (RFC 6960 POST and GET)
 * and the time-stamping authority (RFC 3161). Protocol errors are answered in the protocol's own
 * terms (OCSP malformedRequest, TSA rejection), never as a 5xx.
 */
export async function registerPkiRoutes(app: App, ctx: AppContext): Promise<void> {
  const pki = ctx.pki;
  const { issuing, root } = pki.caCertificates();
  const { ocsp, tsa } = pki.serviceCertificates();
  const files: Record<string, { body: string | Buffer; type: string }> = {
    'root.pem': { body: pem(root), type: PEM },
    'ca.pem': { body: pem(issuing), type: PEM },
    'ocsp.pem': { body: pem(ocsp), type: PEM },
    'tsa.pem': { body: pem(tsa), type: PEM },
    'root.cer': { body: Buffer.from(root), type: CER },
    'ca.cer': { body: Buffer.from(issuing), type: CER },
  };
  for (const [name, file] of Object.entries(files)) {
    app.get(`/pki/${name}`, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return reply.type(file.type).send(file.body);
    });
  }

  app.get('/pki/crl', async (_request, reply) => {
    const crl = await pki.currentCrl();
    reply.header('cache-control', 'no-cache');
    reply.header('expires', crl.nextUpdate.toUTCString());
    return reply.type('application/pkix-crl').send(Buffer.from(crl.der));
  });

  const raw = (_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void) =>
    done(null, body);
  app.addContentTypeParser(
    'application/ocsp-request',
    { parseAs: 'buffer', bodyLimit: MAX_OCSP_REQUEST_BYTES },
    raw,
  );
  app.addContentTypeParser(
    'application/timestamp-query',
    { parseAs: 'buffer', bodyLimit: MAX_TSA_REQUEST_BYTES },
    raw,
  );

  const sendOcsp = (reply: { header(k: string, v: string): unknown }, der: Uint8Array) => {
    // A status change must be visible on the next request (SPEC §5): no shared caching.
    reply.header('cache-control', 'no-cache');
    return Buffer.from(der);
  };

  const binaryBody = (body: unknown, type: string): Buffer => {
    if (!Buffer.isBuffer(body)) throw new AppError('unsupported_media_type', `send ${type}`);
    return body;
  };

  app.post('/ocsp', { logLevel: 'warn' }, async (request, reply) => {
    const body = binaryBody(request.body, 'application/ocsp-request');
    reply.type(OCSP_RESPONSE);
    return sendOcsp(reply, await pki.ocspRespond(body));
  });

  app.get('/ocsp/*', { logLevel: 'warn' }, async (request, reply) => {
    reply.type(OCSP_RESPONSE);
    const encoded = (request.params as { '*': string })['*'];
    if (encoded.length > (MAX_OCSP_REQUEST_BYTES * 4) / 3 + 4 || !BASE64.test(encoded)) {
      return sendOcsp(reply, ocspErrorResponse(OcspStatus.malformedRequest));
    }
    const der = Buffer.from(encoded, /[-_]/.test(encoded) ? 'base64url' : 'base64');
    return sendOcsp(reply, await pki.ocspRespond(der));
  });

  app.post('/tsa', async (request, reply) => {
    reply.type('application/timestamp-reply');
    return Buffer.from(
      await pki.tsaRespond(binaryBody(request.body, 'application/timestamp-query')),
    );
  });
}
