import { Type } from 'typebox';
import { AppError } from '../errors.js';

const Subject = Type.Union([
  Type.Object(
    { nationalId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { phone: Type.String({ minLength: 1, maxLength: 32 }) },
    { additionalProperties: false },
  ),
]);

/** `POST /rp/v1/documents/signature` (SPEC §4.3) plus OpenMID's optional members. */
export const DocumentSignatureBody = Type.Object(
  {
    subject: Subject,
    document: Type.String({ minLength: 1 }),
    documentName: Type.String({ minLength: 1, maxLength: 200 }),
    format: Type.Union([Type.Literal('PAdES'), Type.Literal('CAdES')]),
    level: Type.Union([Type.Literal('B-B'), Type.Literal('B-T'), Type.Literal('B-LT')]),
    displayText: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Keep the stored document past the retention period. */
    keep: Type.Optional(Type.Boolean()),
    /** PAdES: the reason written into the signature dictionary (and the visible signature). */
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    /** PAdES: draw the signature on a page (1-based), rectangle in PDF points from bottom left. */
    visibleSignature: Type.Optional(
      Type.Object(
        {
          page: Type.Integer({ minimum: 1, maximum: 100_000 }),
          x: Type.Number({ minimum: 0, maximum: 14_400 }),
          y: Type.Number({ minimum: 0, maximum: 14_400 }),
          width: Type.Number({ minimum: 20, maximum: 14_400 }),
          height: Type.Number({ minimum: 10, maximum: 14_400 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `POST /validation/v1/reports` (SPEC §4.3). */
export const ValidationBody = Type.Object(
  {
    document: Type.String({ minLength: 1 }),
    detachedContent: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict standard base64 (RFC 4648 §4, padded); anything else is a 400 invalid_encoding. */
export function decodeDocumentBase64(value: string, member: string): Uint8Array {
  const compact = value.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new AppError('invalid_encoding', `${member} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** The JSON body size that carries a document of maxBytes in base64, with room for the rest. */
export const bodyLimitFor = (maxBytes: number): number => Math.ceil(maxBytes / 3) * 4 + 64 * 1024;
