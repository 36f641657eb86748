import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  type DeviceAnswer,
  encodeAuthSignedDataOf,
  isE164Phone,
  isNationalId,
  type PendingRequest,
  parseQrPayload,
  qrAuthCode,
  verificationCode,
} from '@openmid/protocol';
import { Counter, type Registry } from 'prom-client';
import type { AuditService } from '../audit/audit-service.js';
import type { Bus } from '../bus/bus.js';
import type { ClientRecord } from '../clients/client-service.js';
import type { ClientServiceImpl } from '../clients/clients.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { KeyVault } from '../keys/key-vault.js';
import type { LimitRule, RateLimiter } from '../limits/rate-limiter.js';
import type { CertificateRecord, PkiService } from '../pki/pki-service.js';
import type { Device, RegistryService } from '../registry/registry-service.js';
import type { PushService } from '../wallet/push-service.js';
import { claimValues } from './claim-values.js';
import { isUniqueViolation } from './session-errors.js';
import type {
  EndResult,
  HashType,
  SessionOutcome,
  SessionService,
  SessionView,
  StartedSession,
  StartSessionRequest,
} from './session-service.js';
import {
  claimIdempotencyKey,
  claimQrSession,
  completeSessionIfRunning,
  deleteIdempotencyKeysBefore,
  endRunningSessionsOfPerson,
  findSessionById,
  findSessionByQrToken,
  insertSession,
  listRunningSessionsOfDevice,
  type SessionRow,
  timeOutExpiredSessions,
} from './session-store.js';
import type { StoredResult } from './session-tables.js';
import { verifyDataSignature, verifyDigestSignature } from './signature-check.js';
import { subscribeWaiter } from './waiter.js';

export const HASH_LENGTHS: Record<HashType, number> = { SHA256: 32, SHA384: 48, SHA512: 64 };
export const DISPLAY_TEXT_MAX = 200;
/** Idempotency-Key window (SPEC §4.3). */
export const IDEMPOTENCY_WINDOW_MS = 15_000;
/** QR codes accepted: the current second ±1 (F11). */
export const QR_TOLERANCE_SECONDS = 1;
/** Failed QR claims allowed per device per minute. */
export const QR_FAILURE_LIMIT: LimitRule = { limit: 10, windowSeconds: 60 };

const sessionTopic = (id: string) => `session:${id}`;
const deviceTopic = (id: string) => `device:${id}`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export interface IdempotencyInput {
  key: string;
  /** SHA-256 over what identifies the request (method, path, body). */
  requestHash: Uint8Array;
}

export interface StartOptions {
  idempotency?: IdempotencyInput;
  /** The client's record when the caller has just read it (RP auth): saves reading it again. */
  client?: ClientRecord;
}

export interface DevicePrincipalLike {
  deviceId: string;
  personId: string;
  actor: string;
  /** The device and its certificates as read earlier in this request (device auth). */
  snapshot?: { device: Device; certificates: CertificateRecord[] };
}

/** The implementation's full surface: the RP side of the contract plus the device side. */
export interface SessionServiceImpl extends SessionService {
  startWith(db: Db, request: StartSessionRequest, options: StartOptions): Promise<StartedSession>;
  /** The subject an RP receives for a completed session: pairwise sub and approved claim values. */
  subjectOf(
    db: Db,
    view: SessionView,
    client?: ClientRecord,
  ): Promise<Record<string, unknown> | undefined>;
  pendingForDevice(db: Db, deviceId: string): Promise<PendingRequest[]>;
  /** Long poll of the device: returns at once when something is pending, else waits. */
  waitForDeviceRequests(
    deviceId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PendingRequest[]>;
  /** Subscribe to "something changed for this device" hints (SSE stream). */
  watchDevice(deviceId: string, onChange: () => void): () => void;
  answer(
    db: Db,
    device: DevicePrincipalLike,
    sessionId: string,
    answer: DeviceAnswer,
  ): Promise<{ endResult: EndResult }>;
  claimQr(db: Db, device: DevicePrincipalLike, qr: string): Promise<PendingRequest>;
  /** Time out expired sessions (run by each node's sweeper; also done lazily on reads). */
  sweep(): Promise<number>;
  startSweeper(intervalMs: number, onError: (e: unknown) => void): { stop(): Promise<void> };
}

export interface SessionDeps {
  db: Db;
  clock: Clock;
  bus: Bus;
  vault: KeyVault;
  config: Config;
  metrics: Registry;
  audit: AuditService;
  clients: ClientServiceImpl;
  registry: RegistryService;
  pki: PkiService;
  rateLimiter: RateLimiter;
  /** Wakes the wallet of the device a new request is for (Web Push); optional in unit tests. */
  push?: Pick<PushService, 'notifyDevice'> | undefined;
}

function keyOf(kind: SessionRow['kind']): 'auth' | 'sign' {
  return kind === 'auth' ? 'auth' : 'sign';
}

function algorithmOf(kind: SessionRow['kind'], hashType: HashType | null): string {
  return kind === 'auth' ? 'ecdsa-with-SHA256' : `ecdsa-with-${hashType ?? 'SHA256'}`;
}

function toOutcome(row: SessionRow): SessionOutcome | undefined {
  if (row.state !== 'COMPLETE' || !row.end_result) return undefined;
  const r: StoredResult = row.result ?? {};
  const outcome: SessionOutcome = {
    endResult: row.end_result as EndResult,
    completedAt: row.completed_at ?? row.created_at,
  };
  if (row.person_id) outcome.personId = row.person_id;
  if (row.device_id) outcome.deviceId = row.device_id;
  if (r.signature) {
    outcome.signature = {
      value: Buffer.from(r.signature.value, 'base64'),
      algorithm: r.signature.algorithm,
      ...(r.signature.signedData
        ? { signedData: Buffer.from(r.signature.signedData, 'base64') }
        : {}),
    };
  }
  if (r.certificate) outcome.certificate = Buffer.from(r.certificate, 'base64');
  if (r.ocspResponse) outcome.ocspResponse = Buffer.from(r.ocspResponse, 'base64');
  if (r.approvedClaims) outcome.approvedClaims = r.approvedClaims;
  if (r.keyStore) outcome.keyStore = r.keyStore;
  return outcome;
}

function toView(row: SessionRow): SessionView {
  const view: SessionView = {
    sessionId: row.id,
    clientId: row.client_id,
    kind: row.kind,
    origin: row.origin as SessionView['origin'],
    state: row.state,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    key: keyOf(row.kind),
  };
  if (row.verification_code) view.verificationCode = row.verification_code;
  const outcome = toOutcome(row);
  if (outcome) view.outcome = outcome;
  return view;
}

export function pendingRequestOf(row: SessionRow): PendingRequest {
  const request: PendingRequest = {
    sessionId: row.id,
    type: row.kind,
    clientId: row.client_id,
    rpName: row.rp_name,
    key: keyOf(row.kind),
    flow: row.flow,
    expiresAt: row.expires_at.toISOString(),
  };
  if (row.verification_code && !row.vc_choices) request.verificationCode = row.verification_code;
  if (row.vc_choices) request.vcChoices = [...row.vc_choices];
  if (row.display_text !== null) request.displayText = row.display_text;
  if (row.claims.length > 0) request.claims = [...row.claims];
  if (row.hash) request.hash = b64(row.hash);
  if (row.hash_type) request.hashType = row.hash_type;
  return request;
}

/** For the phone's signedData when it offered a choice: the request as if the code had been shown. */
function requestForSignedData(row: SessionRow): PendingRequest {
  const request = pendingRequestOf(row);
  delete request.vcChoices;
  return request;
}

function validDisplayText(text: string): boolean {
  if (text.length === 0 || [...text].length > DISPLAY_TEXT_MAX) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Control characters other than the newline could hide or reorder what the phone shows.
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return false;
  }
  return true;
}

export function createSessionService(deps: SessionDeps): SessionServiceImpl {
  const { clock, bus } = deps;
  const timeoutMs = deps.config.sessions.timeoutSeconds * 1000;
  const personRule: LimitRule = {
    limit: deps.config.sessions.personLimitPerMinute,
    windowSeconds: 60,
  };
  const clientRule: LimitRule = {
    limit: deps.config.sessions.clientLimitPerMinute,
    windowSeconds: 60,
  };

  const started = new Counter({
    name: 'openmid_sessions_started_total',
    help: 'Sessions started, by kind and flow',
    labelNames: ['kind', 'flow'] as const,
    registers: [deps.metrics],
  });
  const completed = new Counter({
    name: 'openmid_sessions_completed_total',
    help: 'Sessions completed, by kind and end result',
    labelNames: ['kind', 'end_result'] as const,
    registers: [deps.metrics],
  });
  const notMe = new Counter({
    name: 'openmid_sessions_not_me_total',
    help: 'Requests the citizen reported as "not me" (F13)',
    registers: [deps.metrics],
  });
  const limited = new Counter({
    name: 'openmid_sessions_rate_limited_total',
    help: 'New sessions refused by a rate limit (push-bombing protection), by scope',
    labelNames: ['scope'] as const,
    registers: [deps.metrics],
  });

  const publish = (topic: string) =>
    bus.publish(topic, '1').catch(() => {
      // A lost hint delays a waiter until its re-read; it never loses a result.
    });

  async function auditCompletion(db: Db, row: SessionRow, actor: string): Promise<void> {
    const approvedClaims = row.result?.approvedClaims;
    await deps.audit.append(db, {
      type: `session.${row.kind === 'certificate-choice' ? 'certificate_choice' : row.kind}.completed`,
      actor,
      personId: row.person_id ?? undefined,
      clientId: row.client_id,
      data: {
        sessionId: row.id,
        endResult: row.end_result,
        flow: row.flow,
        origin: row.origin,
        rpName: row.rp_name,
        ...(row.result?.certificateSerial
          ? { certificateSerial: row.result.certificateSerial }
          : {}),
        ...(approvedClaims && approvedClaims.length > 0 ? { releasedClaims: approvedClaims } : {}),
      },
    });
  }

  async function afterComplete(rows: SessionRow[]): Promise<void> {
    for (const row of rows) {
      completed.inc({ kind: row.kind, end_result: row.end_result ?? 'unknown' });
      await publish(sessionTopic(row.id));
      if (row.device_id) await publish(deviceTopic(row.device_id));
    }
  }

  /** Complete in one transaction with its audit entry; undefined when someone else did first. */
  async function complete(
    id: string,
    endResult: EndResult,
    result: StoredResult,
    actor: string,
    deviceId?: string,
  ): Promise<SessionRow | undefined> {
    const row = await deps.db.transaction().execute(async (trx) => {
      const done = await completeSessionIfRunning(trx, id, {
        endResult,
        result,
        completedAt: clock.now(),
        ...(deviceId !== undefined ? { deviceId } : {}),
      });
      if (done) await auditCompletion(trx, done, actor);
      return done;
    });
    if (row) await afterComplete([row]);
    return row;
  }

  /** Read a session, timing it out first if it is running past its expiry. */
  async function readFresh(db: Db, id: string): Promise<SessionRow | undefined> {
    const row = await findSessionById(db, id);
    if (row?.state === 'RUNNING' && row.expires_at.getTime() <= clock.now().getTime()) {
      return (await complete(id, 'TIMEOUT', {}, 'system')) ?? (await findSessionById(db, id));
    }
    return row;
  }

  function validate(request: StartSessionRequest): {
    hash: Buffer | null;
    hashType: HashType | null;
  } {
    const { kind } = request;
    if (request.subject === undefined && kind !== 'auth') {
      throw new AppError(
        'invalid_request',
        'subject is required (only authentication has a QR flow)',
      );
    }
    if (request.subject !== undefined) {
      const s = request.subject as Record<string, unknown>;
      if ('nationalId' in s) {
        if (typeof s.nationalId !== 'string' || !isNationalId(s.nationalId)) {
          throw new AppError(
            'invalid_national_id',
            'subject.nationalId must be like PNOAZ-1234567',
          );
        }
      } else if ('phone' in s) {
        if (typeof s.phone !== 'string' || !isE164Phone(s.phone)) {
          throw new AppError(
            'invalid_request',
            'subject.phone must be an E.164 number like +994501234567',
          );
        }
      } else throw new AppError('invalid_request', 'subject must name nationalId or phone');
    }
    let hash: Buffer | null = null;
    let hashType: HashType | null = null;
    if (kind === 'certificate-choice') {
      if (request.hash !== undefined) {
        throw new AppError('invalid_request', 'a certificate choice carries no hash');
      }
    } else {
      if (!request.hash || !request.hashType || !(request.hashType in HASH_LENGTHS)) {
        throw new AppError(
          'invalid_request',
          'hash and hashType (SHA256, SHA384, SHA512) are required',
        );
      }
      if (request.hash.length !== HASH_LENGTHS[request.hashType]) {
        throw new AppError(
          'invalid_request',
          `hash must be ${HASH_LENGTHS[request.hashType]} bytes for ${request.hashType}, got ${request.hash.length}`,
        );
      }
      hash = Buffer.from(request.hash);
      hashType = request.hashType;
    }
    if (request.displayText !== undefined && !validDisplayText(request.displayText)) {
      throw new AppError(
        'invalid_request',
        `displayText must be 1 to ${DISPLAY_TEXT_MAX} characters without control characters`,
      );
    }
    if (request.claims && request.claims.length > 0 && kind !== 'auth') {
      throw new AppError('invalid_request', 'claims can only be requested with an authentication');
    }
    if (request.vcChoice && kind === 'certificate-choice') {
      throw new AppError('invalid_request', 'a certificate choice has no verification code');
    }
    return { hash, hashType };
  }

  async function limit(
    db: Db,
    bucket: string,
    rule: LimitRule,
    scope: string,
    request: StartSessionRequest,
    personId?: string,
  ) {
    const decision = await deps.rateLimiter.consume(db, bucket, rule);
    if (decision.allowed) return;
    limited.inc({ scope });
    if (decision.count === rule.limit + 1) {
      // Record the first refusal of each window: an operator sees a push-bombing attempt.
      await deps.audit.append(db, {
        type: 'session.rate_limited',
        actor: request.actor,
        personId,
        clientId: request.clientId,
        data: { scope, limit: rule.limit, windowSeconds: rule.windowSeconds },
      });
    }
    throw new AppError(
      'rate_limited',
      scope === 'person'
        ? 'too many requests to this person; try again later'
        : 'this client started too many sessions; try again later',
      { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  }

  async function resolve(
    db: Db,
    request: StartSessionRequest,
  ): Promise<{
    personId: string | null;
    device: Device | undefined;
    subjectKey: string | null;
    certificateInvalid?: boolean;
  }> {
    const subject = request.subject as { nationalId?: string; phone?: string } | undefined;
    if (!subject) return { personId: null, device: undefined, subjectKey: null };
    const person = subject.nationalId
      ? await deps.registry.findPersonByNationalId(db, subject.nationalId)
      : await deps.registry.findPersonByPhone(db, subject.phone as string);
    const subjectKey = person
      ? `person:${person.id}`
      : `subject:${subject.nationalId ?? subject.phone}`;
    if (person?.status !== 'active') return { personId: null, device: undefined, subjectKey };
    const device = await deps.registry.findActiveDevice(db, person.id);
    const serial = request.kind === 'auth' ? device?.authCertSerial : device?.signCertSerial;
    if (device?.status !== 'active' || !serial) {
      return { personId: null, device: undefined, subjectKey };
    }
    // A revoked or suspended certificate stops working at once (F5): the RP learns it from the
    // first poll instead of waiting for a phone that cannot answer.
    const certificate = await deps.pki.findCertificate(db, serial);
    const nowMs = clock.now().getTime();
    const live =
      certificate?.status === 'good' &&
      certificate.notBefore.getTime() <= nowMs &&
      certificate.notAfter.getTime() > nowMs;
    return { personId: person.id, device, subjectKey, certificateInvalid: !live };
  }

  function vcChoicesFor(vc: string): string[] {
    const codes = new Set([vc]);
    while (codes.size < 3) codes.add(String(randomInt(0, 10000)).padStart(4, '0'));
    const list = [...codes];
    for (let i = list.length - 1; i > 0; i--) {
      const j = randomInt(0, i + 1);
      [list[i], list[j]] = [list[j] as string, list[i] as string];
    }
    return list;
  }

  class IdempotentReplay extends Error {
    readonly response: StartedSession;
    constructor(response: StartedSession) {
      super('idempotent replay');
      this.response = response;
    }
  }

  function checkReplay(
    idem: IdempotencyInput,
    record: { requestHash: Buffer; response: Record<string, unknown> },
  ): StartedSession {
    const given = Buffer.from(idem.requestHash);
    if (given.length !== record.requestHash.length || !timingSafeEqual(given, record.requestHash)) {
      throw new AppError(
        'conflict',
        'this Idempotency-Key was used for a different request within the last 15 seconds',
      );
    }
    return record.response as unknown as StartedSession;
  }

  async function start(
    db: Db,
    request: StartSessionRequest,
    options: StartOptions,
  ): Promise<StartedSession> {
    const client =
      options.client?.clientId === request.clientId
        ? options.client
        : await deps.clients.get(db, request.clientId);
    if (client?.status !== 'active') {
      throw new AppError('invalid_client', 'unknown or disabled client');
    }
    const { hash, hashType } = validate(request);
    const claims = [...new Set(request.claims ?? [])];
    const notAllowed = claims.filter((c) => !client.allowedClaims.includes(c));
    if (notAllowed.length > 0) {
      throw new AppError('forbidden', `this client may not receive: ${notAllowed.join(', ')}`);
    }
    const now = clock.now();
    const idem = options.idempotency;
    const id = randomUUID();
    const vc = hash && request.kind !== 'certificate-choice' ? await verificationCode(hash) : null;
    const qr = request.subject === undefined;
    const qrToken = qr ? randomBytes(16).toString('base64url') : null;
    const qrSecret = qr ? randomBytes(32).toString('base64url') : null;
    const response: StartedSession = { sessionId: id };
    if (vc && !qr) response.verificationCode = vc;
    if (qrToken && qrSecret) {
      response.qrStartToken = qrToken;
      response.qrStartSecret = qrSecret;
      response.deviceLink = `${deps.config.publicUrl}/wallet/link?t=${qrToken}`;
    }

    await limit(db, `session:client:${client.clientId}`, clientRule, 'client', request);
    const target = await resolve(db, request);
    if (target.subjectKey) {
      await limit(
        db,
        `session:${target.subjectKey}`,
        personRule,
        'person',
        request,
        target.personId ?? undefined,
      );
    }

    const base = {
      id,
      clientId: client.clientId,
      kind: request.kind,
      origin: request.origin,
      flow: qr ? ('qr' as const) : ('notification' as const),
      personId: target.personId,
      deviceId: target.device?.id ?? null,
      rpName: client.clientName,
      hash,
      hashType,
      displayText: request.displayText ?? null,
      verificationCode: vc,
      vcChoices: vc && request.vcChoice ? vcChoicesFor(vc) : null,
      claims,
      qrToken,
      qrSecretSealed: qrSecret
        ? deps.vault.seal(Buffer.from(qrSecret, 'base64url'), 'qr-secret')
        : null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + timeoutMs),
    };
    const notFound = !qr && !target.personId;
    const endedAtStart: EndResult | undefined = notFound
      ? 'NOT_FOUND_OR_INACTIVE'
      : target.certificateInvalid
        ? 'CERTIFICATE_INVALID'
        : undefined;

    for (let attempt = 0; ; attempt++) {
      try {
        const ended = await db.transaction().execute(async (trx) => {
          if (idem) {
            const earlier = await claimIdempotencyKey(
              trx,
              {
                clientId: client.clientId,
                key: idem.key,
                requestHash: Buffer.from(idem.requestHash),
                sessionId: id,
                response: response as unknown as Record<string, unknown>,
                now,
              },
              new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
            );
            if (earlier) throw new IdempotentReplay(checkReplay(idem, earlier));
          }
          const endedRows =
            target.personId && !endedAtStart
              ? await endRunningSessionsOfPerson(trx, target.personId, now)
              : [];
          for (const row of endedRows) await auditCompletion(trx, row, request.actor);
          await insertSession(trx, endedAtStart ? { ...base, endResult: endedAtStart } : base);
          if (endedAtStart) {
            await deps.audit.append(trx, {
              type: `session.${request.kind === 'certificate-choice' ? 'certificate_choice' : request.kind}.completed`,
              actor: request.actor,
              personId: target.personId ?? undefined,
              clientId: client.clientId,
              data: {
                sessionId: id,
                endResult: endedAtStart,
                flow: base.flow,
                origin: request.origin,
                rpName: client.clientName,
              },
            });
          }
          return endedRows;
        });
        await afterComplete(ended);
        break;
      } catch (error) {
        if (error instanceof IdempotentReplay) return error.response;
        if (isUniqueViolation(error, 'sessions_one_running_per_person') && attempt < 3) continue;
        if (isUniqueViolation(error, 'idempotency_keys_pk') && attempt < 3) continue;
        throw error;
      }
    }
    started.inc({ kind: request.kind, flow: base.flow });
    if (endedAtStart) completed.inc({ kind: request.kind, end_result: endedAtStart });
    else if (base.deviceId) {
      await publish(deviceTopic(base.deviceId));
      // Never awaited: a slow or failing push service must not delay or fail the RP's request.
      deps.push?.notifyDevice(base.deviceId, {
        type: 'request',
        sessionId: id,
        kind: request.kind,
        rpName: client.clientName,
      });
    }
    return response;
  }

  async function getForClient(
    db: Db,
    clientId: string,
    sessionId: string,
  ): Promise<SessionRow | undefined> {
    const row = await readFresh(db, sessionId);
    return row && row.client_id === clientId ? row : undefined;
  }

  async function waitForCompletion(
    clientId: string,
    sessionId: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<SessionView | undefined> {
    const waiter = subscribeWaiter(bus, sessionTopic(sessionId));
    try {
      const deadline = Date.now() + Math.max(0, waitMs);
      for (;;) {
        const row = await getForClient(deps.db, clientId, sessionId);
        if (!row) return undefined;
        if (row.state === 'COMPLETE') return toView(row);
        const left = Math.min(
          deadline - Date.now(),
          row.expires_at.getTime() - clock.now().getTime() + 50,
        );
        if (left <= 0 || signal?.aborted) return toView(row);
        await waiter.wait(left, signal);
      }
    } finally {
      waiter.close();
    }
  }

  async function pendingForDevice(db: Db, deviceId: string): Promise<PendingRequest[]> {
    const rows = await listRunningSessionsOfDevice(db, deviceId, clock.now());
    return rows.map(pendingRequestOf);
  }

  function watchDevice(deviceId: string, onChange: () => void): () => void {
    return bus.subscribe(deviceTopic(deviceId), onChange);
  }

  async function waitForDeviceRequests(
    deviceId: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<PendingRequest[]> {
    const waiter = subscribeWaiter(bus, deviceTopic(deviceId));
    try {
      const deadline = Date.now() + Math.max(0, waitMs);
      for (;;) {
        const pending = await pendingForDevice(deps.db, deviceId);
        const left = deadline - Date.now();
        if (pending.length > 0 || left <= 0 || signal?.aborted) return pending;
        await waiter.wait(left, signal);
      }
    } finally {
      waiter.close();
    }
  }

  async function answer(
    db: Db,
    device: DevicePrincipalLike,
    sessionId: string,
    reply: DeviceAnswer,
  ): Promise<{ endResult: EndResult }> {
    const row = await readFresh(db, sessionId);
    if (!row || row.device_id !== device.deviceId) {
      throw new AppError('session_not_found', 'no such request for this device');
    }
    if (row.state === 'COMPLETE') {
      // Idempotent: a repeated or late answer changes nothing and learns how the session ended.
      return { endResult: row.end_result as EndResult };
    }
    const finish = async (endResult: EndResult, result: StoredResult = {}) => {
      const done = await complete(row.id, endResult, result, device.actor, device.deviceId);
      if (done) return { endResult };
      const now = await findSessionById(db, row.id);
      return { endResult: (now?.end_result ?? endResult) as EndResult };
    };

    switch (reply.decision) {
      case 'refuse':
        return finish('USER_REFUSED');
      case 'pin_blocked':
        return finish('PIN_BLOCKED');
      case 'not_me': {
        const outcome = await finish('USER_REFUSED');
        notMe.inc();
        await deps.audit.append(db, {
          type: 'session.reported_not_me',
          actor: device.actor,
          personId: row.person_id ?? undefined,
          clientId: row.client_id,
          data: { sessionId: row.id, rpName: row.rp_name, flow: row.flow, kind: row.kind },
        });
        return outcome;
      }
      case 'approve':
        break;
      default:
        throw new AppError(
          'invalid_request',
          'decision must be approve, refuse, not_me or pin_blocked',
        );
    }

    // The code the citizen confirmed: a wrong pick out of three ends the session (F13).
    let confirmed = row.verification_code ?? undefined;
    if (row.vc_choices) {
      if (!reply.pickedCode || !row.vc_choices.includes(reply.pickedCode)) {
        throw new AppError('invalid_request', 'pickedCode must be one of the offered codes');
      }
      if (reply.pickedCode !== row.verification_code) return finish('WRONG_VC');
      confirmed = reply.pickedCode;
    } else if (reply.pickedCode !== undefined && reply.pickedCode !== row.verification_code) {
      // The citizen said the code on the phone is not the one the RP shows.
      return finish('WRONG_VC');
    }
    const approvedClaims = [...new Set(reply.approvedClaims ?? [])];
    const extra = approvedClaims.filter((c) => !row.claims.includes(c));
    if (extra.length > 0) {
      throw new AppError('invalid_request', `approvedClaims not requested: ${extra.join(', ')}`);
    }

    // The device's live certificate for this key: revoked or suspended stops it at once (F5).
    // The auth hook's reads of this same request serve when present; else read them now.
    const snapshot = device.snapshot?.device.id === device.deviceId ? device.snapshot : undefined;
    const liveDevice = snapshot?.device ?? (await deps.registry.getDevice(db, device.deviceId));
    const serial =
      keyOf(row.kind) === 'auth' ? liveDevice?.authCertSerial : liveDevice?.signCertSerial;
    const certificate = !serial
      ? undefined
      : snapshot
        ? snapshot.certificates.find((c) => c.serialHex === serial)
        : await deps.pki.findCertificate(db, serial);
    const now = clock.now();
    const live =
      liveDevice?.status === 'active' &&
      certificate?.status === 'good' &&
      certificate.notBefore.getTime() <= now.getTime() &&
      certificate.notAfter.getTime() > now.getTime();
    if (!live || !certificate || !serial) return finish('CERTIFICATE_INVALID');

    const result: StoredResult = {
      certificate: b64(certificate.der),
      certificateSerial: serial,
      keyStore: liveDevice.keyStore,
      ...(row.claims.length > 0 ? { approvedClaims } : {}),
    };
    if (row.kind !== 'certificate-choice') {
      if (!reply.signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(reply.signature)) {
        throw new AppError('invalid_encoding', 'signature must be the base64 DER ECDSA signature');
      }
      const signature = Buffer.from(reply.signature, 'base64');
      if (row.kind === 'auth') {
        const signedData = encodeAuthSignedDataOf(requestForSignedData(row), confirmed);
        if (!verifyDataSignature(certificate.der, signedData, signature)) {
          throw new AppError(
            'invalid_request',
            'the signature does not verify over the signedData of this request',
          );
        }
        result.signature = {
          value: b64(signature),
          algorithm: algorithmOf(row.kind, row.hash_type),
          signedData: b64(signedData),
        };
      } else {
        if (!row.hash || !verifyDigestSignature(certificate.der, row.hash, signature)) {
          throw new AppError(
            'invalid_request',
            'the signature does not verify over the requested hash',
          );
        }
        result.signature = {
          value: b64(signature),
          algorithm: algorithmOf(row.kind, row.hash_type),
        };
      }
    }
    // Proof that the certificate was good at completion, fetched outside any transaction.
    try {
      result.ocspResponse = b64(await deps.pki.ocspResponseFor(serial));
    } catch (cause) {
      throw new AppError(
        'service_unavailable',
        'the OCSP responder is not available; retry the answer',
        { cause },
      );
    }
    return finish('OK', result);
  }

  async function claimQr(db: Db, device: DevicePrincipalLike, qr: string): Promise<PendingRequest> {
    const bucket = `qr-claim-fail:device:${device.deviceId}`;
    const budget = await deps.rateLimiter.peek(db, bucket, QR_FAILURE_LIMIT);
    if (!budget.allowed) {
      throw new AppError('rate_limited', 'too many invalid QR codes; try again later', {
        headers: { 'retry-after': String(budget.retryAfterSeconds) },
      });
    }
    const fail = async (detail: string): Promise<never> => {
      await deps.rateLimiter.consume(db, bucket, QR_FAILURE_LIMIT);
      throw new AppError('invalid_request', detail);
    };
    const payload = parseQrPayload(qr);
    if (!payload) return fail('not an OpenMID QR code');
    const row = await findSessionByQrToken(db, payload.token);
    if (!row?.qr_secret_sealed || row.flow !== 'qr') return fail('unknown or expired QR code');
    const now = clock.now();
    if (row.state !== 'RUNNING' || row.expires_at.getTime() <= now.getTime()) {
      return fail('this QR code belongs to a session that has ended');
    }
    const elapsed = Math.floor((now.getTime() - row.created_at.getTime()) / 1000);
    if (Math.abs(payload.elapsedSeconds - elapsed) > QR_TOLERANCE_SECONDS) {
      return fail('this QR code is stale: scan the code on the screen now');
    }
    const secret = deps.vault.open(row.qr_secret_sealed, 'qr-secret').toString('base64url');
    const expected = Buffer.from(await qrAuthCode(secret, payload.elapsedSeconds), 'hex');
    const given = Buffer.from(payload.authCode, 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return fail('the QR code does not verify');
    }
    const liveDevice = await deps.registry.getDevice(db, device.deviceId);
    if (liveDevice?.status !== 'active' || !liveDevice.authCertSerial) {
      throw new AppError('forbidden', 'this device cannot authenticate');
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const { claimed, ended } = await db.transaction().execute(async (trx) => {
          const endedRows = await endRunningSessionsOfPerson(trx, device.personId, now);
          for (const r of endedRows) await auditCompletion(trx, r, device.actor);
          const c = await claimQrSession(trx, row.id, device.personId, device.deviceId, now);
          if (!c) throw new AppError('invalid_state', 'this QR code has already been used');
          return { claimed: c, ended: endedRows };
        });
        await afterComplete(ended);
        await publish(deviceTopic(device.deviceId));
        return pendingRequestOf(claimed);
      } catch (error) {
        if (isUniqueViolation(error, 'sessions_one_running_per_person') && attempt < 3) continue;
        throw error;
      }
    }
  }

  async function sweep(): Promise<number> {
    const rows = await deps.db.transaction().execute(async (trx) => {
      const expired = await timeOutExpiredSessions(trx, clock.now(), 500);
      for (const row of expired) await auditCompletion(trx, row, 'system');
      return expired;
    });
    await afterComplete(rows);
    return rows.length;
  }

  return {
    start: (db, request) => start(db, request, {}),
    startWith: start,
    async get(db, clientId, sessionId) {
      const row = await getForClient(db, clientId, sessionId);
      return row ? toView(row) : undefined;
    },
    waitForCompletion,
    async cancel(db, clientId, sessionId, actor) {
      const row = await getForClient(db, clientId, sessionId);
      if (!row) throw new AppError('session_not_found', 'no such session');
      if (row.state === 'COMPLETE') {
        throw new AppError('invalid_state', `the session has already ended (${row.end_result})`);
      }
      const done = await complete(row.id, 'CANCELLED', {}, actor);
      const now = done ?? (await findSessionById(db, row.id));
      if (!done && now?.end_result !== 'CANCELLED') {
        throw new AppError('invalid_state', `the session has already ended (${now?.end_result})`);
      }
      return toView(now as SessionRow);
    },
    async subjectOf(db, view, known) {
      const outcome = view.outcome;
      if (outcome?.endResult !== 'OK' || !outcome.personId) return undefined;
      const client =
        known?.clientId === view.clientId ? known : await deps.clients.get(db, view.clientId);
      if (!client) return undefined;
      const subject: Record<string, unknown> = {
        sub: deps.clients.pairwiseSubject(client, outcome.personId),
      };
      const approved = (outcome.approvedClaims ?? []).filter((c) =>
        client.allowedClaims.includes(c),
      );
      if (approved.length > 0) {
        const person = await deps.registry.getPerson(db, outcome.personId);
        if (person) Object.assign(subject, claimValues(person, approved, outcome.completedAt));
      }
      return subject;
    },
    pendingForDevice,
    waitForDeviceRequests,
    watchDevice,
    answer,
    claimQr,
    sweep,
    startSweeper(intervalMs, onError) {
      let stopped = false;
      let timer: NodeJS.Timeout;
      let ticks = 0;
      let running: Promise<void> = Promise.resolve();
      const tick = async () => {
        try {
          while ((await sweep()) === 500 && !stopped) {}
          if (++ticks % 60 === 0) {
            const now = clock.now().getTime();
            await deleteIdempotencyKeysBefore(deps.db, new Date(now - 10 * IDEMPOTENCY_WINDOW_MS));
            await deps.rateLimiter.sweep(deps.db);
          }
        } catch (error) {
          onError(error);
        }
        if (!stopped) {
          timer = setTimeout(() => {
            running = tick();
          }, intervalMs);
          timer.unref();
        }
      };
      timer = setTimeout(() => {
        running = tick();
      }, intervalMs);
      timer.unref();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },
  };
}

/** SHA-256 over what makes two RP requests the same (Idempotency-Key, SPEC §4.3). */
export function requestFingerprint(method: string, path: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest();
}
