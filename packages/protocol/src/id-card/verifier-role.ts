import * as asn1js from 'asn1js';
import { type IdCardClaim, isIdCardClaim, sortIdCardClaims } from './id-card-claims.js';
import { IdCardError } from './id-card-error.js';

/**
 * What a verifier certificate says about its holder (SPEC F21), as an attribute in the standard
 * subjectDirectoryAttributes extension (RFC 5280 §4.2.1.8; docs/pki.md, "Verifier certificates"):
 *
 *   id-openmid-verifierRole OBJECT IDENTIFIER ::= { 2 25 39789682473745543670622317803546398938 10 }
 *   VerifierRole ::= SEQUENCE {
 *     organisation UTF8String (SIZE (1..128)),
 *     role         UTF8String (SIZE (1..64)),
 *     claims       SEQUENCE SIZE (1..MAX) OF UTF8String }   -- ID card claim names
 *
 * The claim set is the most the holder may ask a wallet for; the wallet refuses anything more.
 * (An attribute rather than an extension of its own: the OID's 128-bit UUID arc does not survive
 * @peculiar/x509's re-encoding of extension identifiers, while the extension value is kept as is.)
 */
export const VERIFIER_ROLE_ATTRIBUTE_OID = '2.25.39789682473745543670622317803546398938.10';
export const SUBJECT_DIRECTORY_ATTRIBUTES_OID = '2.5.29.9';
/** Certificate policy of verifier certificates. */
export const VERIFIER_CERTIFICATE_POLICY_OID = '2.25.39789682473745543670622317803546398938.4';

export interface VerifierRole {
  organisation: string;
  role: string;
  claims: IdCardClaim[];
}

function checkRole(value: VerifierRole): VerifierRole {
  const claims = value.claims;
  if (
    value.organisation.trim() === '' ||
    value.organisation.length > 128 ||
    value.role.trim() === '' ||
    value.role.length > 64 ||
    claims.length === 0 ||
    new Set(claims).size !== claims.length ||
    !claims.every(isIdCardClaim)
  ) {
    throw new IdCardError('untrusted_verifier', 'the verifier role is malformed');
  }
  return { organisation: value.organisation, role: value.role, claims: sortIdCardClaims(claims) };
}

/** DER of a VerifierRole. */
export function encodeVerifierRole(value: VerifierRole): ArrayBuffer {
  const role = checkRole(value);
  return new asn1js.Sequence({
    value: [
      new asn1js.Utf8String({ value: role.organisation }),
      new asn1js.Utf8String({ value: role.role }),
      new asn1js.Sequence({ value: role.claims.map((c) => new asn1js.Utf8String({ value: c })) }),
    ],
  }).toBER(false);
}

const oidBytes = (oid: string) =>
  new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));

/**
 * An OID in the form asn1js (and so @peculiar/x509) prints it after parsing: arcs beyond 2^53,
 * such as the UUID arc, come out in a hex notation; compare parsed OIDs with this.
 */
export function parsedOidForm(oid: string): string {
  const parsed = asn1js.fromBER(oidBytes(oid)).result;
  return (parsed as asn1js.ObjectIdentifier).valueBlock.toString();
}

/** DER of a subjectDirectoryAttributes extension value carrying the VerifierRole attribute. */
export function encodeVerifierRoleAttributes(value: VerifierRole): ArrayBuffer {
  const role = asn1js.fromBER(encodeVerifierRole(value)).result;
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: VERIFIER_ROLE_ATTRIBUTE_OID }),
          new asn1js.Set({ value: [role] }),
        ],
      }),
    ],
  }).toBER(false);
}

/** The VerifierRole in a subjectDirectoryAttributes extension value; throws IdCardError. */
export function decodeVerifierRoleAttributes(der: ArrayBuffer | Uint8Array): VerifierRole {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  const parsed = asn1js.fromBER(bytes);
  const wanted = oidBytes(VERIFIER_ROLE_ATTRIBUTE_OID);
  if (parsed.offset === bytes.byteLength && parsed.result instanceof asn1js.Sequence) {
    for (const attribute of parsed.result.valueBlock.value) {
      if (!(attribute instanceof asn1js.Sequence)) break;
      const [type, values] = attribute.valueBlock.value;
      if (!(type instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set)) break;
      const typeBytes = new Uint8Array(type.toBER(false));
      const same =
        typeBytes.byteLength === wanted.byteLength && typeBytes.every((b, i) => b === wanted[i]);
      const [only, ...more] = values.valueBlock.value;
      if (same && only && more.length === 0) {
        return decodeVerifierRole(only.toBER(false));
      }
    }
  }
  throw new IdCardError('untrusted_verifier', 'the certificate states no verifier role');
}

/** Parse the extension value strictly (exact structure, known claims); throws IdCardError. */
export function decodeVerifierRole(der: ArrayBuffer | Uint8Array): VerifierRole {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  const parsed = asn1js.fromBER(bytes);
  const malformed = () => new IdCardError('untrusted_verifier', 'the verifier role is malformed');
  if (parsed.offset !== bytes.byteLength || !(parsed.result instanceof asn1js.Sequence)) {
    throw malformed();
  }
  const [organisation, role, claims, ...rest] = parsed.result.valueBlock.value;
  if (
    rest.length > 0 ||
    !(organisation instanceof asn1js.Utf8String) ||
    !(role instanceof asn1js.Utf8String) ||
    !(claims instanceof asn1js.Sequence)
  ) {
    throw malformed();
  }
  const names = claims.valueBlock.value.map((item) => {
    if (!(item instanceof asn1js.Utf8String)) throw malformed();
    return item.valueBlock.value;
  });
  if (!names.every(isIdCardClaim)) throw malformed();
  return checkRole({
    organisation: organisation.valueBlock.value,
    role: role.valueBlock.value,
    claims: names,
  });
}
