import { Type } from 'typebox';

/** TypeBox schemas of the admin API (docs/admin-api.md). Lengths bound every field. */
const Str = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength });
const Strict = { additionalProperties: false } as const;

export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
export const PersonParams = Type.Object({ personId: Uuid }, Strict);
export const DeviceParams = Type.Object({ deviceId: Uuid }, Strict);
export const StaffParams = Type.Object({ staffId: Str(64) }, Strict);
export const SerialParams = Type.Object(
  { serialHex: Type.String({ pattern: '^[0-9a-fA-F]{2,64}$' }) },
  Strict,
);

export const NewPersonBody = Type.Object(
  {
    nationalId: Str(40),
    givenName: Str(200),
    familyName: Str(200),
    birthDate: Str(10),
    nationality: Type.Optional(Str(2, 2)),
    phone: Type.Optional(Str(16)),
    email: Type.Optional(Str(254)),
    address: Type.Optional(
      Type.Object(
        {
          formatted: Type.Optional(Str(500)),
          street_address: Type.Optional(Str(500)),
          locality: Type.Optional(Str(200)),
          postal_code: Type.Optional(Str(20)),
          country: Type.Optional(Str(2, 2)),
        },
        Strict,
      ),
    ),
    // A JPEG or PNG up to 512 KiB, as base64 or a data: URL.
    photo: Type.Optional(Str(700_000)),
    document: Type.Optional(
      Type.Object(
        {
          type: Str(50),
          number: Str(50),
          issuedBy: Type.Optional(Str(200)),
          expiresOn: Type.Optional(Str(10)),
          checkedBy: Type.Optional(Str(200)),
        },
        Strict,
      ),
    ),
  },
  Strict,
);

/** A correction of a person's data: any field of a registration but the national id. */
export const PersonPatchBody = Type.Partial(Type.Omit(NewPersonBody, ['nationalId']), Strict);

export const PersonQuery = Type.Object(
  { nationalId: Type.Optional(Str(40)), phone: Type.Optional(Str(16)) },
  Strict,
);

export const NewStaffBody = Type.Object(
  {
    role: Type.Union([
      Type.Literal('operator'),
      Type.Literal('officer'),
      Type.Literal('auditor'),
      Type.Literal('call_centre'),
    ]),
    name: Str(200),
    /** The person who logs in to the consoles with Mobile ID as this staff member. */
    nationalId: Type.Optional(Str(40)),
  },
  Strict,
);

export const StaffPersonBody = Type.Object(
  { nationalId: Type.Union([Str(40), Type.Null()]) },
  Strict,
);

export const RevokeBody = Type.Object(
  {
    reason: Type.Optional(
      Type.Union([
        Type.Literal('unspecified'),
        Type.Literal('keyCompromise'),
        Type.Literal('affiliationChanged'),
        Type.Literal('superseded'),
        Type.Literal('cessationOfOperation'),
        Type.Literal('privilegeWithdrawn'),
      ]),
    ),
  },
  Strict,
);

/** `POST /admin/v1/declarations` (F19): exactly one of nationalId / phone and of text / pdf. */
export const NewDeclarationBody = Type.Object(
  {
    nationalId: Type.Optional(Str(40)),
    phone: Type.Optional(Str(16)),
    title: Str(120),
    text: Type.Optional(Str(20_000)),
    /** A PDF, base64. */
    pdf: Type.Optional(Type.String({ minLength: 1 })),
    summary: Type.Optional(Str(120)),
  },
  Strict,
);

export const DeclarationParams = Type.Object({ declarationId: Uuid }, Strict);

/** Query strings are not coerced: integers arrive as digit strings. */
const Digits = (maxLength: number) => Type.String({ pattern: '^[0-9]+$', maxLength });

export const DeclarationWaitQuery = Type.Object({ timeoutMs: Type.Optional(Digits(5)) }, Strict);

export const DeclarationListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('pending'),
        Type.Literal('signed'),
        Type.Literal('refused'),
        Type.Literal('failed'),
      ]),
    ),
    /** ISO 8601 time: only declarations created before it (the previous page's last createdAt). */
    before: Type.Optional(Str(40)),
    limit: Type.Optional(Digits(3)),
  },
  Strict,
);
