import 'reflect-metadata';
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ActivationRequest,
  type DeviceAnswer,
  type DeviceEvent,
  encodeAuthSignedDataOf,
  type PendingRequest,
  verificationCode,
} from '@openmid/protocol';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';

/**
 * A small stand-in for the server's `/device/v1` (protocol/src/device-api.ts), for the CLI tests:
 * it checks every device proof with jose, issues certificates from the CSRs with a throwaway CA
 * (@peculiar/x509) and verifies every answer's signature with node:crypto.
 */
export interface FakeDeviceServer {
  url: string;
  activationCode: string;
  puk: string;
  /** Queue a request for the device; returns it. `document` is what a sign request's hash is of. */
  push(
    request: Partial<PendingRequest> & { type: PendingRequest['type'] },
    options?: { document?: Uint8Array; rightCode?: string },
  ): Promise<PendingRequest>;
  answers: { request: PendingRequest; answer: DeviceAnswer; endResult: string }[];
  /** QR payloads the device may claim, each with the request it turns into. */
  qrCodes: Map<string, Partial<PendingRequest> & { type: PendingRequest['type'] }>;
  events: DeviceEvent[];
  proofs: { htm: unknown; htu: unknown; jti: unknown }[];
  caPem: string;
  close(): Promise<void>;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function startFakeDeviceServer(): Promise<FakeDeviceServer> {
  const caKeys = await crypto.subtle.generateKey(P256, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=Fake OpenMID CA',
      keys: caKeys,
      serialNumber: '01',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
    },
    crypto,
  );
  const activationCode = 'ABCD-EFGH-JKMN';
  const puk = '24681357';
  const queue: { request: PendingRequest; document?: Uint8Array; rightCode?: string }[] = [];
  const waiting = new Set<() => void>();
  const seenJti = new Set<unknown>();
  let device:
    | { id: string; thumbprint: string; auth: x509.X509Certificate; sign: x509.X509Certificate }
    | undefined;
  const fake: FakeDeviceServer = {
    url: '',
    activationCode,
    puk,
    answers: [],
    qrCodes: new Map(),
    events: [],
    proofs: [],
    caPem: ca.toString('pem'),
    async push(partial, { document, rightCode } = {}) {
      const hash =
        partial.hash ??
        (document ? createHash('sha256').update(document).digest('base64') : undefined);
      const request: PendingRequest = {
        sessionId: randomUUID(),
        clientId: 'demo-rp',
        rpName: 'Demo RP',
        key: partial.type === 'auth' ? 'auth' : 'sign',
        flow: 'notification',
        expiresAt: new Date(Date.now() + 120_000).toISOString(),
        ...(hash ? { hash, hashType: 'SHA256' as const } : {}),
        ...(partial.type !== 'certificate-choice' && hash && !partial.vcChoices
          ? { verificationCode: await verificationCode(Buffer.from(hash, 'base64')) }
          : {}),
        ...partial,
      };
      queue.push({
        request,
        ...(document ? { document } : {}),
        ...(rightCode ? { rightCode } : {}),
      });
      for (const wake of waiting) wake();
      return request;
    },
    close: async () => {
      for (const wake of waiting) wake();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  async function proofOf(req: IncomingMessage, path: string): Promise<JWK> {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') throw problem(401, 'invalid_device_proof', 'no DPoP header');
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ['ES256'],
        maxTokenAge: 60,
      });
      fake.proofs.push({ htm: payload.htm, htu: payload.htu, jti: payload.jti });
      if (payload.htm !== req.method || payload.htu !== `${fake.url}${path}`) {
        throw new Error('htm/htu mismatch');
      }
      if (typeof payload.jti !== 'string' || seenJti.has(payload.jti))
        throw new Error('replayed jti');
      seenJti.add(payload.jti);
      return protectedHeader.jwk as JWK;
    } catch (error) {
      throw problem(401, 'invalid_device_proof', (error as Error).message);
    }
  }

  async function knownDevice(req: IncomingMessage, path: string) {
    const jwk = await proofOf(req, path);
    if (!device || (await calculateJwkThumbprint(jwk)) !== device.thumbprint) {
      throw problem(401, 'invalid_device_proof', 'unknown device key');
    }
    return device;
  }

  async function issue(csrBase64: string, serial: string) {
    const csr = new x509.Pkcs10CertificateRequest(Buffer.from(csrBase64, 'base64'));
    if (!(await csr.verify(crypto))) throw problem(400, 'invalid_csr', 'CSR signature');
    return x509.X509CertificateGenerator.create(
      {
        serialNumber: serial,
        subject: 'CN=Test Person, 2.5.4.5=PNOAZ-1234567',
        issuer: ca.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        publicKey: await csr.publicKey.export(P256, ['verify'], crypto),
        signingKey: caKeys.privateKey,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      },
      crypto,
    );
  }

  function verifyAnswer(
    entry: { request: PendingRequest; document?: Uint8Array; rightCode?: string },
    answer: DeviceAnswer,
  ): string {
    const { request } = entry;
    if (answer.decision === 'refuse' || answer.decision === 'not_me') return 'USER_REFUSED';
    if (answer.decision === 'pin_blocked') return 'PIN_BLOCKED';
    if (!device) throw problem(409, 'invalid_state', 'no device');
    const cert = request.key === 'auth' ? device.auth : device.sign;
    const key = createPublicKey(cert.toString('pem'));
    if (request.type === 'certificate-choice') return 'OK';
    const signature = Buffer.from(answer.signature ?? '', 'base64');
    const data =
      request.type === 'auth'
        ? encodeAuthSignedDataOf(request, answer.pickedCode)
        : (entry.document ?? new Uint8Array());
    if (!verify('sha256', data, { key, dsaEncoding: 'der' }, signature)) {
      throw problem(400, 'invalid_request', 'signature does not verify');
    }
    if (request.vcChoices && answer.pickedCode !== entry.rightCode) return 'WRONG_VC';
    return 'OK';
  }

  async function route(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', fake.url);
    const path = url.pathname;
    if (req.method === 'POST' && path === '/device/v1/activations') {
      const jwk = await proofOf(req, path);
      const request = JSON.parse(body) as ActivationRequest;
      if (request.activationCode !== activationCode) {
        throw problem(400, 'activation_code_invalid', 'unknown or used code');
      }
      const auth = await issue(request.authCsr, '0a01');
      const sign = await issue(request.signCsr, '0a02');
      device = { id: randomUUID(), thumbprint: await calculateJwkThumbprint(jwk), auth, sign };
      return send(res, 201, {
        deviceId: device.id,
        person: { nationalId: 'PNOAZ-1234567', givenName: 'Test', familyName: 'Person' },
        authCertificate: Buffer.from(auth.rawData).toString('base64'),
        signCertificate: Buffer.from(sign.rawData).toString('base64'),
        caChain: [Buffer.from(ca.rawData).toString('base64')],
        puk,
      });
    }
    const known = await knownDevice(req, path);
    if (req.method === 'GET' && path === '/device/v1/requests') {
      const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? '0');
      if (queue.length === 0 && timeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, timeoutMs);
          waiting.add(wake);
        });
      }
      return send(res, 200, { requests: queue.map((entry) => entry.request) });
    }
    const answerPath = /^\/device\/v1\/requests\/([^/]+)\/response$/.exec(path);
    if (req.method === 'POST' && answerPath) {
      const index = queue.findIndex((entry) => entry.request.sessionId === answerPath[1]);
      const entry = queue[index];
      if (!entry) throw problem(404, 'session_not_found', 'no such request');
      const answer = JSON.parse(body) as DeviceAnswer;
      const endResult = verifyAnswer(entry, answer);
      queue.splice(index, 1);
      fake.answers.push({ request: entry.request, answer, endResult });
      return send(res, 200, { endResult });
    }
    if (req.method === 'POST' && path === '/device/v1/events') {
      fake.events.push(JSON.parse(body) as DeviceEvent);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && path === '/device/v1/qr') {
      const { qr } = JSON.parse(body) as { qr: string };
      const partial = fake.qrCodes.get(qr);
      if (!partial) throw problem(404, 'session_not_found', 'no such QR code');
      fake.qrCodes.delete(qr);
      return send(res, 200, await fake.push({ flow: 'qr', ...partial }));
    }
    if (req.method === 'GET' && path === '/device/v1/status') {
      return send(res, 200, {
        deviceId: known.id,
        status: 'active',
        certificates: [
          {
            purpose: 'auth',
            serialHex: '0a01',
            status: 'good',
            certificate: Buffer.from(known.auth.rawData).toString('base64'),
          },
          {
            purpose: 'sign',
            serialHex: '0a02',
            status: 'good',
            certificate: Buffer.from(known.sign.rawData).toString('base64'),
          },
        ],
      });
    }
    throw problem(404, 'not_found', path);
  }

  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      route(req, res, body).catch((error: unknown) => {
        const p = error instanceof Problem ? error : problem(500, 'internal_error', String(error));
        send(
          res,
          p.status,
          {
            type: `urn:openmid:problem:${p.code}`,
            title: p.code,
            status: p.status,
            detail: p.message,
            error: p.code,
          },
          'application/problem+json',
        );
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

class Problem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function problem(status: number, code: string, detail: string): Problem {
  return new Problem(status, code, detail);
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}
