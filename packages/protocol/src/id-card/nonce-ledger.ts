import type { IdCardClaim } from './id-card-claims.js';

/**
 * The verifier's memory of the requests it showed (SPEC F21, replay protection): each nonce it
 * issued, what it asked for and whether a presentation already answered it. A presentation whose
 * nonce was used before is a replay; one whose nonce this verifier never issued is refused.
 * Serialisable (`toJSON` / constructor) so an offline verifier app keeps it in local storage.
 */
export interface IssuedRequestRecord {
  nonce: string;
  clientId: string;
  claims: IdCardClaim[];
  /** Seconds since the epoch. */
  expiresAt: number;
  usedAt?: number;
}

/** Used nonces are remembered this long past their request's expiry (then refused as unknown). */
const KEEP_SECONDS = 7 * 86_400;

export class NonceLedger {
  #records = new Map<string, IssuedRequestRecord>();

  constructor(records: readonly IssuedRequestRecord[] = []) {
    for (const r of records) this.#records.set(r.nonce, { ...r });
  }

  issue(record: Omit<IssuedRequestRecord, 'usedAt'>): void {
    this.#records.set(record.nonce, { ...record });
  }

  find(nonce: string): IssuedRequestRecord | undefined {
    const record = this.#records.get(nonce);
    return record && { ...record };
  }

  /** Mark the nonce used: 'ok' the first time, 'used' after, 'unknown' if never issued. */
  consume(nonce: string, at: number): 'ok' | 'used' | 'unknown' {
    const record = this.#records.get(nonce);
    if (!record) return 'unknown';
    if (record.usedAt !== undefined) return 'used';
    record.usedAt = at;
    return 'ok';
  }

  /** Forget records long past their expiry. */
  prune(now: number): void {
    for (const [nonce, r] of this.#records) {
      if (r.expiresAt + KEEP_SECONDS < now) this.#records.delete(nonce);
    }
  }

  toJSON(): IssuedRequestRecord[] {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }
}
