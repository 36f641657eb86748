import { isE164Phone, isNationalId } from '@openmid/protocol';
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import type { App } from '../http/types.js';
import type { Device, Person } from '../registry/registry-service.js';
import { NewPersonBody, PersonParams, PersonPatchBody, PersonQuery } from './admin-schemas.js';
import { requireStaff, staffOf } from './staff-auth.js';

export function personJson(person: Person) {
  return {
    personId: person.id,
    nationalId: person.nationalId,
    givenName: person.givenName,
    familyName: person.familyName,
    birthDate: person.birthDate,
    nationality: person.nationality,
    phone: person.phone,
    email: person.email,
    address: person.address,
    photo: person.photo,
    document: person.document,
    status: person.status,
    createdAt: person.createdAt.toISOString(),
  };
}

export function deviceJson(device: Device) {
  return {
    deviceId: device.id,
    personId: device.personId,
    status: device.status,
    name: device.name,
    keyStore: device.keyStore,
    authCertSerial: device.authCertSerial,
    signCertSerial: device.signCertSerial,
    createdAt: device.createdAt.toISOString(),
  };
}

/** Persons and activation codes (SPEC §4.5, F1, F2; docs/admin-api.md). */
export async function registerPersonRoutes(app: App, ctx: AppContext): Promise<void> {
  const writers = requireStaff(ctx, 'operator', 'officer');
  const readers = requireStaff(ctx, 'operator', 'officer', 'auditor');

  app.post(
    '/admin/v1/persons',
    { schema: { body: NewPersonBody }, onRequest: writers },
    async (request, reply) => {
      const person = await ctx.registry.createPerson(ctx.db, request.body, staffOf(request).actor);
      reply.code(201).header('location', `/admin/v1/persons/${person.id}`);
      return { personId: person.id };
    },
  );

  app.get(
    '/admin/v1/persons',
    { schema: { querystring: PersonQuery }, onRequest: readers },
    async (request) => {
      const { nationalId, phone } = request.query;
      if ((nationalId === undefined) === (phone === undefined)) {
        throw badRequest('give exactly one of nationalId and phone');
      }
      if (nationalId !== undefined && !isNationalId(nationalId)) {
        throw new AppError('invalid_national_id', 'nationalId must be in ETSI semantics form');
      }
      if (phone !== undefined && !isE164Phone(phone)) {
        throw badRequest('phone must be an E.164 number, e.g. +994501234567');
      }
      const persons = await ctx.registry.searchPersons(
        ctx.db,
        { nationalId, phone },
        staffOf(request).actor,
      );
      return { persons: persons.map(personJson) };
    },
  );

  app.get(
    '/admin/v1/persons/:personId',
    { schema: { params: PersonParams }, onRequest: readers },
    async (request) =>
      personJson(
        await ctx.registry.viewPerson(
          ctx.db,
          request.params.personId.toLowerCase(),
          staffOf(request).actor,
        ),
      ),
  );

  app.patch(
    '/admin/v1/persons/:personId',
    { schema: { params: PersonParams, body: PersonPatchBody }, onRequest: writers },
    async (request) => {
      if (Object.keys(request.body).length === 0) throw badRequest('nothing to change');
      return personJson(
        await ctx.registry.updatePerson(
          ctx.db,
          request.params.personId.toLowerCase(),
          request.body,
          staffOf(request).actor,
        ),
      );
    },
  );

  app.get(
    '/admin/v1/persons/:personId/devices',
    { schema: { params: PersonParams }, onRequest: readers },
    async (request) => {
      const personId = request.params.personId.toLowerCase();
      await ctx.registry.viewPerson(ctx.db, personId, staffOf(request).actor);
      const devices = await ctx.registry.listDevicesOfPerson(ctx.db, personId);
      return { devices: devices.map(deviceJson) };
    },
  );

  app.post(
    '/admin/v1/persons/:personId/activation-codes',
    { schema: { params: PersonParams }, onRequest: writers },
    async (request, reply) => {
      const issued = await ctx.registry.issueActivationCode(
        ctx.db,
        request.params.personId.toLowerCase(),
        staffOf(request).actor,
      );
      reply.code(201).header('cache-control', 'no-store');
      return {
        activationCode: issued.activationCode,
        puk: issued.puk,
        expiresAt: issued.expiresAt.toISOString(),
      };
    },
  );
}
