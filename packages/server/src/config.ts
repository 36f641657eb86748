import { isAbsolute, resolve } from 'node:path';

/**
 * The platform's configuration: read from the environment once, validated, frozen.
 * Every key is documented in docs/config.md (a unit test keeps the two in step).
 * Only this module reads environment variables (CONVENTIONS §6).
 */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /** PostgreSQL connection string; undefined selects the embedded PGlite database. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Bootstrap operator token; undefined means one is generated on first start and printed once. */
  readonly adminToken: string | undefined;
  /** 32-byte operator master key that encrypts keys and personal data at rest. */
  readonly masterKey: Uint8Array | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest JSON body accepted by most endpoints, in bytes. */
  readonly bodyLimit: number;
  /** Largest document upload (signing, validation), in bytes. */
  readonly documentMaxBytes: number;
  /** Seconds a document sent for signing (and its signed result) is kept unless the RP keeps it. */
  readonly documentRetentionSeconds: number;
  /**
   * Font files (TrueType/OpenType, or the first face of a collection) tried in order for
   * characters the shipped DejaVu Sans lacks (CJK) when text is drawn into a PDF; missing files
   * are skipped.
   */
  readonly pdfFallbackFonts: readonly string[];
  readonly features: {
    readonly sandbox: { readonly enabled: boolean };
  };
  readonly pki: {
    /** Key algorithm of the CA hierarchy: P-256 or P-384. */
    readonly caCurve: 'P-256' | 'P-384';
    /** Validity of end-entity certificates, in days. */
    readonly endEntityValidityDays: number;
    /** CRL lifetime (nextUpdate - thisUpdate), seconds; regenerated at half-life. */
    readonly crlValiditySeconds: number;
    /** Lifetime of pre-signed OCSP responses, seconds. */
    readonly ocspValiditySeconds: number;
  };
  readonly audit: {
    /** Sign a tree head at most every this many milliseconds (batching appends). */
    readonly sthIntervalMs: number;
  };
  readonly registry: {
    readonly activationCodeTtlSeconds: number;
    /** Wrong secrets one activation code tolerates before it locks for good. */
    readonly activationMaxAttemptsPerCode: number;
    /** Failed activations one source address may make per hour before it is locked out. */
    readonly activationMaxFailuresPerSource: number;
  };
  readonly admin: {
    /** Failed admin bearer tokens one source address may present per 15 minutes. */
    readonly maxTokenFailuresPerSource: number;
  };
  readonly deviceApi: {
    /** How far a device proof's iat may be from the server's clock, in seconds. */
    readonly proofMaxAgeSeconds: number;
  };
  readonly sessions: {
    readonly timeoutSeconds: number;
    /** New sessions per person per minute (push-bombing protection, F13). */
    readonly personLimitPerMinute: number;
    /** New sessions per client per minute. */
    readonly clientLimitPerMinute: number;
  };
  readonly push: {
    /** VAPID `sub`: how a push service reaches the operator (mailto: or https: URL). */
    readonly subject: string;
    /** Deliver pushes to loopback/private addresses and over http (tests only; SSRF guard). */
    readonly allowPrivateEndpoints: boolean;
  };
  readonly oidc: {
    /** Seconds a CIBA poll-mode client waits between token requests (faster: slow_down). */
    readonly cibaIntervalSeconds: number;
  };
  readonly webSessions: {
    /** A console / portal session ends after this many seconds without a request. */
    readonly idleSeconds: number;
    /** A console / portal session ends this many seconds after log-in, whatever happens. */
    readonly maxSeconds: number;
    /** Developer-portal sign-ups one source address may make per hour (sandbox). */
    readonly developerSignupsPerHour: number;
  };
  readonly credentials: {
    /** Validity of an ID card credential (F20), days; re-issued when a third is left. */
    readonly validityDays: number;
    /** Lifetime (exp - iat) of a signed status list token, seconds: how long an offline verifier may rely on it. */
    readonly statusListValiditySeconds: number;
    /** Lifetime of a verifier enrolment code (F21), seconds. */
    readonly enrolmentCodeTtlSeconds: number;
  };
  readonly shutdownGraceMs: number;
}

type Env = Record<string, string | undefined>;

/** Debian's CJK fonts (fonts-wqy-microhei, fonts-noto-cjk), used when installed. */
export const DEFAULT_PDF_FALLBACK_FONTS = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
] as const;

class ConfigErrors {
  readonly problems: string[] = [];
  add(name: string, problem: string): void {
    this.problems.push(`${name}: ${problem}`);
  }
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function int(
  env: Env,
  errors: ConfigErrors,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) {
    errors.add(name, `must be an integer, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  const n = Number(raw);
  if (n < min || n > max) errors.add(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(
  env: Env,
  errors: ConfigErrors,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    errors.add(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return raw as T;
}

function bool(env: Env, errors: ConfigErrors, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  errors.add(name, `must be true or false, got ${JSON.stringify(raw)}`);
  return fallback;
}

function parseMasterKey(raw: string | undefined, errors: ConfigErrors): Uint8Array | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bytes = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
      ? Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64')
      : undefined;
  if (bytes?.length !== 32) {
    errors.add('MASTER_KEY', 'must be 32 bytes, as 64 hex digits or base64');
    return undefined;
  }
  return new Uint8Array(bytes);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const errors = new ConfigErrors();
  const nodeEnv = oneOf(
    env,
    errors,
    'NODE_ENV',
    ['development', 'test', 'production'] as const,
    'development',
  );
  const port = int(env, errors, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const publicUrlRaw = env.PUBLIC_URL || `http://localhost:${port}`;
  let publicUrl = publicUrlRaw.replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      errors.add('PUBLIC_URL', 'must be an http(s) URL');
    if (u.search || u.hash) errors.add('PUBLIC_URL', 'must not have a query or fragment');
    if (nodeEnv === 'production' && u.protocol !== 'https:')
      errors.add('PUBLIC_URL', 'must be https in production');
    publicUrl = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    errors.add('PUBLIC_URL', `is not a URL: ${JSON.stringify(publicUrlRaw)}`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    errors.add('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const dataDirRaw = env.DATA_DIR || './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    errors.add('ADMIN_TOKEN', 'must be at least 16 characters');
  }
  const masterKey = parseMasterKey(env.MASTER_KEY, errors);
  if (nodeEnv === 'production' && !masterKey) {
    errors.add('MASTER_KEY', 'is required in production (it is only generated in development)');
  }
  const sandbox = bool(env, errors, 'SANDBOX', nodeEnv !== 'production');
  if (nodeEnv === 'production' && sandbox) {
    errors.add('SANDBOX', 'sandbox seeding is refused in production');
  }
  const pushSubject =
    env.PUSH_SUBJECT || (publicUrl.startsWith('https:') ? publicUrl : 'mailto:operator@localhost');
  if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(pushSubject)) {
    errors.add('PUSH_SUBJECT', 'must be a mailto: address or an https: URL');
  }
  const pushAllowPrivate = bool(env, errors, 'PUSH_ALLOW_PRIVATE_ENDPOINTS', false);
  if (nodeEnv === 'production' && pushAllowPrivate) {
    errors.add('PUSH_ALLOW_PRIVATE_ENDPOINTS', 'is refused in production');
  }
  const config: Config = {
    env: nodeEnv,
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir,
    adminToken,
    masterKey,
    logLevel: oneOf(
      env,
      errors,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    bodyLimit: int(env, errors, 'BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    documentMaxBytes: int(
      env,
      errors,
      'DOCUMENT_MAX_BYTES',
      10 * 1024 * 1024,
      1024,
      512 * 1024 * 1024,
    ),
    documentRetentionSeconds: int(
      env,
      errors,
      'DOCUMENT_RETENTION_SECONDS',
      24 * 3600,
      60,
      365 * 24 * 3600,
    ),
    pdfFallbackFonts: (env.PDF_FALLBACK_FONTS ?? DEFAULT_PDF_FALLBACK_FONTS.join(','))
      .split(',')
      .map((path) => path.trim())
      .filter((path) => path.length > 0),
    features: { sandbox: { enabled: sandbox } },
    pki: {
      caCurve: oneOf(env, errors, 'CA_CURVE', ['P-256', 'P-384'] as const, 'P-384'),
      endEntityValidityDays: int(env, errors, 'CERT_VALIDITY_DAYS', 3 * 365, 1, 10 * 365),
      crlValiditySeconds: int(env, errors, 'CRL_VALIDITY_SECONDS', 24 * 3600, 60, 30 * 24 * 3600),
      ocspValiditySeconds: int(env, errors, 'OCSP_VALIDITY_SECONDS', 3600, 60, 7 * 24 * 3600),
    },
    audit: { sthIntervalMs: int(env, errors, 'STH_INTERVAL_MS', 1000, 0, 3_600_000) },
    registry: {
      activationCodeTtlSeconds: int(
        env,
        errors,
        'ACTIVATION_CODE_TTL_SECONDS',
        7 * 24 * 3600,
        60,
        90 * 24 * 3600,
      ),
      activationMaxAttemptsPerCode: int(env, errors, 'ACTIVATION_MAX_ATTEMPTS_PER_CODE', 5, 1, 100),
      activationMaxFailuresPerSource: int(
        env,
        errors,
        'ACTIVATION_MAX_FAILURES_PER_SOURCE',
        20,
        1,
        100_000,
      ),
    },
    admin: {
      maxTokenFailuresPerSource: int(env, errors, 'ADMIN_MAX_TOKEN_FAILURES', 10, 1, 100_000),
    },
    deviceApi: {
      proofMaxAgeSeconds: int(env, errors, 'DEVICE_PROOF_MAX_AGE_SECONDS', 60, 5, 600),
    },
    sessions: {
      timeoutSeconds: int(env, errors, 'SESSION_TIMEOUT_SECONDS', 120, 5, 3600),
      personLimitPerMinute: int(env, errors, 'SESSION_PERSON_LIMIT_PER_MINUTE', 10, 1, 1_000_000),
      clientLimitPerMinute: int(
        env,
        errors,
        'SESSION_CLIENT_LIMIT_PER_MINUTE',
        120_000,
        1,
        100_000_000,
      ),
    },
    push: { subject: pushSubject, allowPrivateEndpoints: pushAllowPrivate },
    oidc: { cibaIntervalSeconds: int(env, errors, 'OIDC_CIBA_INTERVAL_SECONDS', 5, 1, 60) },
    webSessions: {
      idleSeconds: int(env, errors, 'WEB_SESSION_IDLE_SECONDS', 30 * 60, 10, 24 * 3600),
      maxSeconds: int(env, errors, 'WEB_SESSION_MAX_SECONDS', 8 * 3600, 10, 7 * 24 * 3600),
      developerSignupsPerHour: int(env, errors, 'DEVELOPER_SIGNUPS_PER_HOUR', 5, 1, 100_000),
    },
    credentials: {
      validityDays: int(env, errors, 'CREDENTIAL_VALIDITY_DAYS', 30, 1, 3 * 365),
      statusListValiditySeconds: int(
        env,
        errors,
        'CREDENTIAL_STATUS_LIST_VALIDITY_SECONDS',
        24 * 3600,
        300,
        30 * 24 * 3600,
      ),
      enrolmentCodeTtlSeconds: int(
        env,
        errors,
        'VERIFIER_ENROLMENT_CODE_TTL_SECONDS',
        24 * 3600,
        60,
        30 * 24 * 3600,
      ),
    },
    shutdownGraceMs: int(env, errors, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
  };
  if (errors.problems.length > 0) throw new ConfigError(errors.problems);
  return deepFreeze(config);
}

/** Names of every environment variable loadConfig reads (docs/config.md must list each). */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'DATABASE_URL',
  'DATA_DIR',
  'ADMIN_TOKEN',
  'MASTER_KEY',
  'SANDBOX',
  'LOG_LEVEL',
  'BODY_LIMIT',
  'DOCUMENT_MAX_BYTES',
  'DOCUMENT_RETENTION_SECONDS',
  'PDF_FALLBACK_FONTS',
  'CA_CURVE',
  'CERT_VALIDITY_DAYS',
  'CRL_VALIDITY_SECONDS',
  'OCSP_VALIDITY_SECONDS',
  'STH_INTERVAL_MS',
  'ACTIVATION_CODE_TTL_SECONDS',
  'ACTIVATION_MAX_ATTEMPTS_PER_CODE',
  'ACTIVATION_MAX_FAILURES_PER_SOURCE',
  'ADMIN_MAX_TOKEN_FAILURES',
  'DEVICE_PROOF_MAX_AGE_SECONDS',
  'SESSION_TIMEOUT_SECONDS',
  'SESSION_PERSON_LIMIT_PER_MINUTE',
  'SESSION_CLIENT_LIMIT_PER_MINUTE',
  'OIDC_CIBA_INTERVAL_SECONDS',
  'WEB_SESSION_IDLE_SECONDS',
  'WEB_SESSION_MAX_SECONDS',
  'DEVELOPER_SIGNUPS_PER_HOUR',
  'CREDENTIAL_VALIDITY_DAYS',
  'CREDENTIAL_STATUS_LIST_VALIDITY_SECONDS',
  'VERIFIER_ENROLMENT_CODE_TTL_SECONDS',
  'PUSH_SUBJECT',
  'PUSH_ALLOW_PRIVATE_ENDPOINTS',
  'SHUTDOWN_GRACE_MS',
] as const;
