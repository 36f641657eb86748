import type { Db } from '../db/db.js';

/** Persons and devices as other modules use them (implemented in registry/). */
export interface Person {
  id: string;
  nationalId: string;
  givenName: string;
  familyName: string;
  /** ISO date YYYY-MM-DD. */
  birthDate: string;
  /** ISO 3166-1 alpha-2. */
  nationality: string | null;
  phone: string | null;
  email: string | null;
  address: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    postal_code?: string;
    country?: string;
  } | null;
  /** data: URL or base64 JPEG/PNG. */
  photo: string | null;
  document: {
    type: string;
    number: string;
    issuedBy?: string;
    expiresOn?: string;
    checkedBy?: string;
  } | null;
  status: 'active' | 'deceased' | 'blocked';
  createdAt: Date;
}

export interface Device {
  id: string;
  personId: string;
  status: 'active' | 'suspended' | 'revoked';
  name: string | null;
  authCertSerial: string | null;
  signCertSerial: string | null;
  /** 'software' (web wallet, mid-device) or 'hardware' (native key store): sets the level of assurance. */
  keyStore: 'software' | 'hardware';
  /** The device key (EC P-256 public JWK) that signs device proofs; the ID card is bound to it. */
  publicJwk: Record<string, unknown>;
  createdAt: Date;
}

export interface RegistryService {
  findPersonByNationalId(db: Db, nationalId: string): Promise<Person | undefined>;
  findPersonByPhone(db: Db, phone: string): Promise<Person | undefined>;
  getPerson(db: Db, personId: string): Promise<Person | undefined>;
  /** The person's one active device (re-registration revokes the previous one). */
  findActiveDevice(db: Db, personId: string): Promise<Device | undefined>;
  getDevice(db: Db, deviceId: string): Promise<Device | undefined>;
}
