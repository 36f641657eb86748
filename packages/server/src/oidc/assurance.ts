import type { SessionOutcome } from '../sessions/session-service.js';

/**
 * Levels of assurance (DESIGN §4) as `acr` values: face-to-face registration + PIN + device key is
 * eIDAS substantial (ITU-T Y.2740 level 3); with a hardware key store it is high (level 4).
 */
export const ACR_SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
export const ACR_HIGH = 'http://eidas.europa.eu/LoA/high';
export const ACR_VALUES = [ACR_SUBSTANTIAL, ACR_HIGH];

/** acr and amr (RFC 8176) of a completed Mobile ID authentication. */
export function assuranceOf(outcome: SessionOutcome): { acr: string; amr: string[] } {
  const hardware = outcome.keyStore === 'hardware';
  return {
    acr: hardware ? ACR_HIGH : ACR_SUBSTANTIAL,
    amr: ['pin', hardware ? 'hwk' : 'swk', 'mfa'],
  };
}
