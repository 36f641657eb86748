import { Type } from 'typebox';

const Strict = { additionalProperties: false } as const;
// A P-256 PKCS#10 request is about 250 bytes; 8 KiB of base64 is generous.
const Base64 = Type.String({
  minLength: 4,
  maxLength: 11_000,
  pattern: '^[A-Za-z0-9+/_-]+={0,2}$',
});

/** POST /device/v1/activations (protocol/src/device-api.ts ActivationRequest). */
export const ActivationBody = Type.Object(
  {
    activationCode: Type.String({ minLength: 1, maxLength: 64 }),
    authCsr: Base64,
    signCsr: Base64,
    deviceName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  Strict,
);

/** POST /device/v1/events (DeviceEvent). */
export const DeviceEventBody = Type.Object(
  {
    type: Type.Union([
      Type.Literal('pin_blocked'),
      Type.Literal('pin_unblocked'),
      Type.Literal('pin_changed'),
    ]),
    key: Type.Union([Type.Literal('auth'), Type.Literal('sign')]),
  },
  Strict,
);
