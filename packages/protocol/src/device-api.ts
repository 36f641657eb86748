/**
 * Wire contract of the device API (`/device/v1`), shared by the server, the device SDK and the
 * wallet. Every call after activation carries a device proof in the `DPoP` header: a compact JWS
 * (typ `dpop+jwt`, alg ES256, the device public key as `jwk` in the protected header) with claims
 * `htm` (HTTP method), `htu` (URL without query), `iat` (seconds) and a unique `jti`
 * (RFC 9449 shape). The activation call carries one too: it proves possession of the device key.
 */

export const DEVICE_API_PREFIX = '/device/v1';

export type DeviceKeyPurpose = 'auth' | 'sign';

/** POST /device/v1/activations */
export interface ActivationRequest {
  activationCode: string;
  /** PKCS#10 CSR (base64 DER) for the authentication key (PIN1). */
  authCsr: string;
  /** PKCS#10 CSR (base64 DER) for the signing key (PIN2). */
  signCsr: string;
  /** Free-text label of the phone, shown to the citizen in the portal. */
  deviceName?: string;
}

export interface ActivationResponse {
  deviceId: string;
  person: { nationalId: string; givenName: string; familyName: string };
  /** base64 DER certificates. */
  authCertificate: string;
  signCertificate: string;
  /** Issuing CA then root, base64 DER. */
  caChain: string[];
  /**
   * The PUK of the officer's envelope, released once at activation so the device can wrap its keys
   * under it; the wallet shows it and has the citizen type it once. The server forgets it here.
   */
  puk: string;
  /** The digital ID card (F20), issued at activation; also `GET /device/v1/credential`. */
  credential?: CredentialResponse;
}

/** GET /device/v1/credential — the device's current ID card (SD-JWT VC, docs/id-card.md). */
export interface CredentialResponse {
  /** Compact SD-JWT VC with every disclosure; `cnf.jwk` is this device's key. */
  credential: string;
  issuedAt: string;
  expiresAt: string;
  status: { idx: number; uri: string };
}

/**
 * POST /device/v1/presentations — the wallet reports an offline presentation for the citizen's
 * usage log (F22): who asked and which claims were shown, never their values.
 */
export interface PresentationReport {
  organisation: string;
  role: string;
  claims: string[];
  /** The verifier's client id (`x509_hash:…`). */
  verifier?: string;
  /** The verifier certificate's serial (hex). */
  certificateSerial?: string;
}

export type RequestType = 'auth' | 'sign' | 'certificate-choice';

/** A request waiting for the citizen's answer on the phone. */
export interface PendingRequest {
  sessionId: string;
  type: RequestType;
  clientId: string;
  /** The relying party's display name: what the citizen sees. */
  rpName: string;
  /** The four-digit verification code the RP shows too (absent for certificate choice). */
  verificationCode?: string;
  /** When the RP asked for a code choice: three codes, one of which is right. */
  vcChoices?: string[];
  displayText?: string;
  /** Claims the RP asks to receive (data release with consent, F14). */
  claims?: string[];
  /** base64 of the RP's hash: the auth challenge, or the digest the signing key signs. */
  hash?: string;
  hashType?: 'SHA256' | 'SHA384' | 'SHA512';
  /** Which key answers: auth (PIN1) for auth, sign (PIN2) for sign and certificate choice. */
  key: DeviceKeyPurpose;
  /** How the session was started: by identifier (notification) or by the QR / device link. */
  flow: 'notification' | 'qr';
  expiresAt: string;
}

/** GET /device/v1/requests?timeoutMs=N — long poll; an empty list when nothing arrived. */
export interface PendingRequestsResponse {
  requests: PendingRequest[];
}

export type DeviceDecision = 'approve' | 'refuse' | 'not_me' | 'pin_blocked';

/** POST /device/v1/requests/{sessionId}/response */
export interface DeviceAnswer {
  decision: DeviceDecision;
  /**
   * approve + auth: base64 DER ECDSA signature over the canonical signedData (SPEC §4.3) built
   * from the request's fields (and the picked code when vcChoices was offered).
   * approve + sign: base64 DER ECDSA signature over the hash itself.
   */
  signature?: string;
  /** The verification code the citizen picked when offered a choice. */
  pickedCode?: string;
  /** The claims the citizen approved (a subset of the request's claims). */
  approvedClaims?: string[];
}

export interface DeviceAnswerResponse {
  endResult: string;
}

/** POST /device/v1/events — PIN blocks and unblocks happen on the phone; the server records them. */
export interface DeviceEvent {
  type: 'pin_blocked' | 'pin_unblocked' | 'pin_changed';
  key: DeviceKeyPurpose;
}

/** GET /device/v1/status */
export interface DeviceStatusResponse {
  deviceId: string;
  status: 'active' | 'suspended' | 'revoked';
  certificates: {
    purpose: DeviceKeyPurpose;
    serialHex: string;
    status: 'good' | 'suspended' | 'revoked';
    certificate: string;
  }[];
}

/** POST /device/v1/qr — the wallet scanned an RP's QR code (or opened its device link). */
export interface QrClaimRequest {
  /** The scanned payload: `mid://qr?t=<qrStartToken>&c=<elapsed seconds>&h=<auth code>`. */
  qr: string;
}

/** What a usage-log entry is about (F22): the wallet's and the portal's history filter. */
export const HISTORY_KINDS = [
  'login',
  'signature',
  'data_release',
  'presentation',
  'security',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * One entry of the citizen's usage log (`GET /device/v1/history`): what happened, with whom and
 * how it ended. Released claims are listed by name, never by value.
 */
export interface HistoryEntry {
  /** The log entry id (a paging cursor: pass it as `before`). */
  id: string;
  /** ISO 8601. */
  time: string;
  kind: HistoryKind;
  /** The audit event type, e.g. `session.auth.completed`, `device.pin_blocked`. */
  event: string;
  /** The relying party's name, when one was involved. */
  rpName?: string;
  /** `OK`, a session end result (`USER_REFUSED`, `TIMEOUT`, …) or `FAILED`. */
  result: string;
  /** Names of the claims released (data releases). */
  claims?: string[];
  /** Who caused it: the citizen's device, a relying party, an officer, an operator, the system. */
  by: 'device' | 'person' | 'client' | 'officer' | 'operator' | 'auditor' | 'system';
  /** `auth` or `sign` for PIN events. */
  key?: DeviceKeyPurpose;
  /** Why a device or certificate changed state (e.g. `superseded`, `lost`). */
  reason?: string;
}

export interface HistoryResponse {
  entries: HistoryEntry[];
  /** Pass as `before` for older entries; absent at the end of the log. */
  next?: string;
}

/** `GET /device/v1/push/key`: the VAPID application server key (base64url, uncompressed P-256). */
export interface PushKeyResponse {
  publicKey: string;
}

/** `PUT /device/v1/push/subscription`: the browser's PushSubscription.toJSON(). */
export interface PushSubscriptionRequest {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}
