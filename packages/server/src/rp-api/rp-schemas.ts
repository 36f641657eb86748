import { RELEASABLE_CLAIMS } from '@openmid/protocol';
import { Type } from 'typebox';
import { AppError } from '../errors.js';

/** Request schemas of the RP REST API (SPEC §4.3). Unknown members are refused. */
export const Base64 = Type.String({
  minLength: 4,
  maxLength: 200,
  pattern: '^[A-Za-z0-9+/]+={0,2}$',
  description: 'standard base64',
});
export const HashTypeSchema = Type.Union([
  Type.Literal('SHA256'),
  Type.Literal('SHA384'),
  Type.Literal('SHA512'),
]);
export const Subject = Type.Union(
  [
    Type.Object(
      {
        nationalId: Type.String({
          maxLength: 40,
          description: 'ETSI semantics form, PNOAZ-1234567',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { phone: Type.String({ maxLength: 20, description: 'E.164, +994501234567' }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'whom to ask: a national identifier or a phone number' },
);
const DisplayText = Type.String({ minLength: 1, maxLength: 200 });

export const AuthenticationBody = Type.Object(
  {
    subject: Type.Optional(Subject),
    hash: Base64,
    hashType: HashTypeSchema,
    displayText: Type.Optional(DisplayText),
    vcChoice: Type.Optional(Type.Boolean()),
    claims: Type.Optional(
      Type.Array(Type.Union(RELEASABLE_CLAIMS.map((c) => Type.Literal(c))), { maxItems: 20 }),
    ),
  },
  { additionalProperties: false },
);

export const CertificateChoiceBody = Type.Object(
  { subject: Subject },
  { additionalProperties: false },
);

export const SignatureBody = Type.Object(
  {
    subject: Subject,
    hash: Base64,
    hashType: HashTypeSchema,
    displayText: Type.Optional(DisplayText),
    vcChoice: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const SessionQuery = Type.Object(
  { timeoutMs: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' }),
  ),
});

export function decodeBase64(value: string, field: string): Buffer {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw new AppError('invalid_encoding', `${field} must be standard base64`);
  }
  return Buffer.from(value, 'base64');
}
