import type { EndResult } from '../sessions/session-service.js';

/** How a Mobile ID end result ends an OIDC log-in or CIBA request (OAuth error codes). */
export function oauthErrorOf(endResult: Exclude<EndResult, 'OK'>): {
  error: 'access_denied' | 'expired_token';
  description: string;
} {
  switch (endResult) {
    case 'TIMEOUT':
      return {
        error: 'expired_token',
        description: 'the user did not answer on the phone in time',
      };
    case 'USER_REFUSED':
      return { error: 'access_denied', description: 'the user refused on the phone' };
    case 'WRONG_VC':
      return { error: 'access_denied', description: 'the user picked the wrong verification code' };
    case 'CANCELLED':
      return { error: 'access_denied', description: 'the request was cancelled' };
    case 'PIN_BLOCKED':
      return { error: 'access_denied', description: "the user's PIN is blocked" };
    case 'CERTIFICATE_INVALID':
      return { error: 'access_denied', description: "the user's certificate is not valid" };
    case 'NOT_FOUND_OR_INACTIVE':
      return { error: 'access_denied', description: 'the user has no active Mobile ID' };
  }
}
