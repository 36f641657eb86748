import { createCsr } from '@openmid/device';
import {
  decodeBase64,
  encodeBase64,
  type IdCardClaim,
  type IssuerMetadata,
  isIssuerMetadata,
  JWT_VC_ISSUER_PATH,
  NonceLedger,
  type StatusListInfo,
  verifyStatusListToken,
} from '@openmid/protocol/id-card';
import { api } from '../../ui/api.js';
import { deleteKey, getKey, putKey } from './key-db.js';

/**
 * What the verifier keeps on this device (SPEC F21): its enrolment (certificate, role), the trust
 * material it verifies with offline (issuer keys, status list tokens, with the time it got them)
 * and the nonce ledger of the requests it showed. Plain data in localStorage; the private key in
 * IndexedDB (key-db.ts).
 */
export interface Enrolment {
  verifierDeviceId: string;
  organisation: string;
  role: string;
  claims: IdCardClaim[];
  name: string;
  /** base64 DER. */
  certificate: string;
  caChain: string[];
}

export interface TrustCache {
  issuer: IssuerMetadata;
  /** Status list tokens by URI. */
  statusLists: Record<string, string>;
  /** The newest status list's lifetime (the cache is unusable after `expiresAt`). */
  lists: StatusListInfo[];
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

const ENROLMENT = 'openmid.verifier.enrolment';
const TRUST = 'openmid.verifier.trust';
const LEDGER = 'openmid.verifier.nonces';
const KEY = 'verifier-key';

function read<T>(name: string): T | undefined {
  try {
    const raw = window.localStorage.getItem(name);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(name: string, value: unknown): void {
  window.localStorage.setItem(name, JSON.stringify(value));
}

export const loadEnrolment = () => read<Enrolment>(ENROLMENT);
export const loadTrust = () => read<TrustCache>(TRUST);

export async function signingKey(): Promise<CryptoKey | undefined> {
  return getKey(KEY);
}

/** Enrol this device with the operator's code: a new P-256 key, a CSR, the certificate back. */
export async function enrol(enrolmentCode: string): Promise<Enrolment> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  const csr = await createCsr(pair, 'CN=OpenMID verifier');
  const enrolment = await api<Enrolment & { verifierDeviceId: string }>(
    '/verifiers/v1/enrolments',
    { method: 'POST', json: { enrolmentCode, csr: encodeBase64(csr) } },
  );
  await putKey(KEY, pair.privateKey);
  write(ENROLMENT, enrolment);
  return enrolment;
}

export async function forget(): Promise<void> {
  await deleteKey(KEY);
  for (const name of [ENROLMENT, TRUST, LEDGER]) window.localStorage.removeItem(name);
}

/** Fetch and verify the issuer keys and every status list; the cache is replaced only whole. */
export async function refreshTrust(): Promise<TrustCache> {
  const issuer = await api<unknown>(JWT_VC_ISSUER_PATH);
  if (!isIssuerMetadata(issuer) || issuer.issuer !== window.location.origin) {
    throw new Error('the issuer metadata is not valid');
  }
  const { statusLists: uris } = await api<{ statusLists: string[] }>(
    '/credentials/v1/status-lists',
  );
  const statusLists: Record<string, string> = {};
  const lists: StatusListInfo[] = [];
  for (const uri of uris) {
    const path = new URL(uri).pathname;
    const token = await api<string>(path, { headers: { accept: 'application/statuslist+jwt' } });
    lists.push(await verifyStatusListToken(token, { issuer, uri }));
    statusLists[uri] = token;
  }
  const cache: TrustCache = { issuer, statusLists, lists, fetchedAt: Date.now() };
  write(TRUST, cache);
  return cache;
}

/** Seconds until the first cached status list expires (negative: expired). */
export function trustLifetimeLeft(cache: TrustCache, now = Date.now()): number {
  const expiries = cache.lists.map((l) => l.expiresAt);
  return Math.min(...expiries) - Math.floor(now / 1000);
}

export function loadLedger(): NonceLedger {
  const ledger = new NonceLedger(read(LEDGER) ?? []);
  ledger.prune(Math.floor(Date.now() / 1000));
  return ledger;
}

export function saveLedger(ledger: NonceLedger): void {
  write(LEDGER, ledger.toJSON());
}

export function certificateDer(enrolment: Enrolment): Uint8Array {
  return decodeBase64(enrolment.certificate);
}
