import type { PendingRequest } from '@openmid/protocol';
import type { MessageKey } from './messages.js';

/** What a request asks, as the citizen reads it. */
export function kindKey(request: Pick<PendingRequest, 'type' | 'claims'>): MessageKey {
  if (request.type === 'sign') return 'kindSign';
  if (request.type === 'certificate-choice') return 'kindCertificateChoice';
  return request.claims && request.claims.length > 0 ? 'kindDataRelease' : 'kindLogin';
}

const CLAIM_KEYS: Record<string, MessageKey> = {
  given_name: 'claim_given_name',
  family_name: 'claim_family_name',
  name: 'claim_name',
  birthdate: 'claim_birthdate',
  age_over_18: 'claim_age_over_18',
  nationality: 'claim_nationality',
  address: 'claim_address',
  phone_number: 'claim_phone_number',
  email: 'claim_email',
  picture: 'claim_picture',
  national_id: 'claim_national_id',
};

/** A claim's name in the citizen's language (the raw name when we do not know it). */
export function claimLabel(t: (key: MessageKey) => string, claim: string): string {
  const key = CLAIM_KEYS[claim];
  return key ? t(key) : claim;
}
