import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { Db } from '../db/db.js';

/**
 * Mobile ID sessions as other modules use them (implemented in sessions/): the RP REST API, the
 * OIDC log-in and CIBA, document signing and the call centre all start one and wait for its end.
 * State lives in the database only; any node can complete or collect any session.
 */
export type SessionKind = 'auth' | 'sign' | 'certificate-choice';
export type HashType = 'SHA256' | 'SHA384' | 'SHA512';
export type SessionSubject = { nationalId: string } | { phone: string };
/** Who started it: decides nothing about security, only where the result is delivered and logged. */
export type SessionOrigin = 'rest' | 'oidc' | 'ciba' | 'document' | 'console';

export type EndResult =
  | 'OK'
  | 'USER_REFUSED'
  | 'TIMEOUT'
  | 'PIN_BLOCKED'
  | 'CERTIFICATE_INVALID'
  | 'CANCELLED'
  | 'WRONG_VC'
  | 'NOT_FOUND_OR_INACTIVE';

export interface StartSessionRequest {
  clientId: string;
  kind: SessionKind;
  /** Absent for the QR / device-link flow (auth only). */
  subject?: SessionSubject;
  /** The RP's challenge (auth) or the digest to sign (sign); absent for certificate choice. */
  hash?: Uint8Array;
  hashType?: HashType;
  displayText?: string;
  vcChoice?: boolean;
  /** Claims to release with consent (F14); must be within the client's allowed claims. */
  claims?: string[];
  origin: SessionOrigin;
  /** Actor for the audit entry, e.g. 'client:<id>'. */
  actor: string;
}

export interface StartedSession {
  sessionId: string;
  verificationCode?: string;
  qrStartToken?: string;
  qrStartSecret?: string;
  deviceLink?: string;
}

export interface SessionOutcome {
  endResult: EndResult;
  /** Internal: who answered (absent when nobody was found). Never sent to an RP. */
  personId?: string;
  deviceId?: string;
  /** DER ECDSA signature and its algorithm name (ecdsa-with-SHA256 …). */
  signature?: { value: Uint8Array; algorithm: string; signedData?: Uint8Array };
  /** The certificate that answered (auth for auth sessions, sign for sign / certificate choice). */
  certificate?: Uint8Array;
  ocspResponse?: Uint8Array;
  /** The claims the citizen approved on the phone (a subset of the requested ones). */
  approvedClaims?: string[];
  /** 'software' or 'hardware' key store of the answering device: the level of assurance. */
  keyStore?: 'software' | 'hardware';
  completedAt: Date;
}

export interface SessionView {
  sessionId: string;
  clientId: string;
  kind: SessionKind;
  origin: SessionOrigin;
  state: 'RUNNING' | 'COMPLETE';
  verificationCode?: string;
  createdAt: Date;
  expiresAt: Date;
  outcome?: SessionOutcome;
  /** Key the device answers with. */
  key: DeviceKeyPurpose;
}

export interface SessionService {
  /** Resolves the subject, applies rate limits and the one-running-session rule, notifies the device. */
  start(db: Db, request: StartSessionRequest): Promise<StartedSession>;
  /** undefined when there is no such session for this client (never another client's). */
  get(db: Db, clientId: string, sessionId: string): Promise<SessionView | undefined>;
  /** Resolves as soon as the session completes (on any node) or after timeoutMs with the running view. */
  waitForCompletion(
    clientId: string,
    sessionId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<SessionView | undefined>;
  cancel(db: Db, clientId: string, sessionId: string, actor: string): Promise<SessionView>;
}
