import { randomBytes } from 'node:crypto';

/**
 * A random 16-byte serial number as lower-case hex: positive and minimally encoded in DER
 * (first byte 0x01..0x7f), so the hex is exactly the INTEGER's content octets.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f || 0x01;
  return bytes.toString('hex');
}

/** Canonical form of a serial number given by a caller: lower-case hex, even length, no 0x. */
export function normaliseSerialHex(input: string): string | undefined {
  const hex = input.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,64}$/.test(hex)) return undefined;
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}
