import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminCall,
  createStaff,
  personBody,
  registerPerson,
  uniqueNationalId,
  uniquePhone,
} from '../support/admin.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

// 1×1 PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('POST /admin/v1/persons — SPEC §4.5, F1', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('registers a person with names in any script and reads them back', async () => {
    const body = personBody({
      givenName: '陳大文',
      familyName: 'Əliyev-Çələbi',
      email: 'chan@example.hk',
      address: { formatted: '1 Queen’s Road, Hong Kong', country: 'HK' },
      photo: `data:image/png;base64,${PNG}`,
      document: { type: 'ID card', number: 'AA1234567', issuedBy: 'IDD', expiresOn: '2031-01-01' },
    });
    const r = await adminCall(node, 'POST', '/admin/v1/persons', { body });
    expect(r.status).toBe(201);
    const { personId } = await r.json();
    expect(personId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('location')).toBe(`/admin/v1/persons/${personId}`);
    const got = await (await adminCall(node, 'GET', `/admin/v1/persons/${personId}`)).json();
    expect(got).toMatchObject({
      personId,
      nationalId: body.nationalId,
      givenName: '陳大文',
      familyName: 'Əliyev-Çələbi',
      birthDate: '1990-04-12',
      phone: body.phone,
      email: 'chan@example.hk',
      address: { formatted: '1 Queen’s Road, Hong Kong', country: 'HK' },
      photo: `data:image/png;base64,${PNG}`,
      document: { type: 'ID card', number: 'AA1234567' },
      status: 'active',
    });
  });

  it('finds a person by national id and by phone', async () => {
    const { personId, body } = await registerPerson(node);
    const byId = await adminCall(
      node,
      'GET',
      `/admin/v1/persons?nationalId=${encodeURIComponent(String(body.nationalId))}`,
    );
    expect((await byId.json()).persons.map((p: { personId: string }) => p.personId)).toEqual([
      personId,
    ]);
    const byPhone = await adminCall(
      node,
      'GET',
      `/admin/v1/persons?phone=${encodeURIComponent(String(body.phone))}`,
    );
    expect((await byPhone.json()).persons[0].personId).toBe(personId);
    const none = await adminCall(node, 'GET', `/admin/v1/persons?nationalId=${uniqueNationalId()}`);
    expect((await none.json()).persons).toEqual([]);
    const both = await adminCall(node, 'GET', '/admin/v1/persons');
    expect(both.status).toBe(400);
  });

  it('refuses a duplicate national id with 409', async () => {
    const { body } = await registerPerson(node);
    const again = await adminCall(node, 'POST', '/admin/v1/persons', {
      body: personBody({ nationalId: body.nationalId }),
    });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('already_exists');
  });

  it('refuses a phone number registered to someone else with 409', async () => {
    const { body } = await registerPerson(node);
    const again = await adminCall(node, 'POST', '/admin/v1/persons', {
      body: personBody({ phone: body.phone }),
    });
    expect(again.status).toBe(409);
  });

  it('answers 404 person_not_found for an unknown person', async () => {
    const r = await adminCall(
      node,
      'GET',
      '/admin/v1/persons/00000000-0000-4000-8000-000000000000',
    );
    expect(r.status).toBe(404);
    expect((await r.json()).error).toBe('person_not_found');
    const code = await adminCall(
      node,
      'POST',
      '/admin/v1/persons/00000000-0000-4000-8000-000000000000/activation-codes',
    );
    expect(code.status).toBe(404);
    const bad = await adminCall(node, 'GET', '/admin/v1/persons/not-a-uuid');
    expect(bad.status).toBe(400);
  });

  const badBodies: [string, Record<string, unknown>, string][] = [
    ['a national id not in ETSI form', { nationalId: '1234567' }, 'invalid_national_id'],
    ['an unknown national id type', { nationalId: 'XYZAZ-1234567' }, 'invalid_national_id'],
    ['a phone not in E.164', { phone: '0501234567' }, 'invalid_request'],
    ['an impossible birth date', { birthDate: '1990-02-30' }, 'invalid_request'],
    ['a birth date in the future', { birthDate: '2999-01-01' }, 'invalid_request'],
    ['a number as a name', { givenName: 42 }, 'invalid_request'],
    ['an empty name', { familyName: '' }, 'invalid_request'],
    ['a name of blanks', { familyName: '   ' }, 'invalid_request'],
    ['an oversized name', { givenName: 'a'.repeat(201) }, 'invalid_request'],
    ['a name with a bidi override', { givenName: 'Ali\u202Ece' }, 'invalid_request'],
    ['a name with a control character', { givenName: 'Ali\u0007' }, 'invalid_request'],
    ['an unknown field', { favouriteColour: 'blue' }, 'invalid_request'],
    ['a photo that is not base64', { photo: 'not base64!' }, 'invalid_encoding'],
    [
      'a photo that is not an image',
      { photo: Buffer.from('hello world!').toString('base64') },
      'invalid_request',
    ],
    ['a bad nationality', { nationality: 'az' }, 'invalid_request'],
    ['a bad e-mail', { email: 'nobody' }, 'invalid_request'],
  ];
  for (const [what, override, code] of badBodies) {
    it(`refuses ${what} with 400 ${code}`, async () => {
      const r = await adminCall(node, 'POST', '/admin/v1/persons', { body: personBody(override) });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect((await r.json()).error).toBe(code);
    });
  }

  it('refuses a body missing a required field', async () => {
    const { birthDate: _omit, ...rest } = personBody();
    const r = await adminCall(node, 'POST', '/admin/v1/persons', { body: rest });
    expect(r.status).toBe(400);
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/persons', { rawBody: '{"nationalId": ' });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toBe('invalid_json');
  });

  it('refuses an oversized body with 413', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/persons', {
      body: personBody({ photo: 'A'.repeat(2 * 1024 * 1024) }),
    });
    expect(r.status).toBe(413);
    expect((await r.json()).error).toBe('payload_too_large');
  });

  it('keeps personal data sealed at rest', async () => {
    const { personId, body } = await registerPerson(node, {
      givenName: 'Sealedname',
      familyName: 'Unreadable',
    });
    const row = await node.ctx.db
      .selectFrom('persons')
      .selectAll()
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    const dump = JSON.stringify({
      ...row,
      national_id_hash: row.national_id_hash.toString('hex'),
      phone_hash: row.phone_hash?.toString('hex'),
    });
    for (const value of [
      'Sealedname',
      'Unreadable',
      String(body.nationalId),
      String(body.phone),
      '1990-04-12',
    ]) {
      expect(dump).not.toContain(value);
    }
    expect(row.sealed).toMatch(/^v1\./);
  });

  it('records registration and every read in the audit log with the actor, without the data', async () => {
    const { personId, body } = await registerPerson(node, { givenName: 'Audited' });
    await adminCall(node, 'GET', `/admin/v1/persons/${personId}`);
    const rows = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'actor', 'entry_json'])
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.type, r.actor])).toEqual([
      ['person.registered', 'operator:bootstrap'],
      ['person.viewed', 'operator:bootstrap'],
    ]);
    const json = rows.map((r) => r.entry_json).join();
    expect(json).not.toContain('Audited');
    expect(json).not.toContain(String(body.nationalId));
  });
});

describe('PATCH /admin/v1/persons/{id} — corrections by an officer', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('changes the given fields, keeps the rest and the national id, and logs only field names', async () => {
    const { personId, body } = await registerPerson(node, { givenName: 'Before' });
    const officer = await createStaff(node, 'officer');
    const phone = uniquePhone();
    const r = await adminCall(node, 'PATCH', `/admin/v1/persons/${personId}`, {
      token: officer.token,
      body: { givenName: 'Ülviyyə', phone },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      personId,
      nationalId: body.nationalId,
      givenName: 'Ülviyyə',
      familyName: body.familyName,
      phone,
    });
    // The new phone finds the person; the old one no longer does.
    const byNew = await adminCall(
      node,
      'GET',
      `/admin/v1/persons?phone=${encodeURIComponent(phone)}`,
    );
    expect((await byNew.json()).persons.map((p: { personId: string }) => p.personId)).toEqual([
      personId,
    ]);
    const byOld = await adminCall(
      node,
      'GET',
      `/admin/v1/persons?phone=${encodeURIComponent(String(body.phone))}`,
    );
    expect((await byOld.json()).persons).toEqual([]);
    const rows = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'entry_json'])
      .where('person_id', '=', personId)
      .where('type', '=', 'person.updated')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.entry_json).toContain('givenName');
    expect(rows[0]?.entry_json).not.toContain('Ülviyyə');
    expect(rows[0]?.entry_json).not.toContain(phone);
  });

  it('checks the role before the body: an auditor or a stranger learns nothing of its rules', async () => {
    const auditor = await createStaff(node, 'auditor');
    const garbage = { rawBody: '{"nationalId": 42, "unexpected": true}' };
    const asAuditor = await adminCall(node, 'POST', '/admin/v1/persons', {
      token: auditor.token,
      ...garbage,
    });
    expect(asAuditor.status).toBe(403);
    const stranger = await adminCall(node, 'POST', '/admin/v1/persons', {
      token: null,
      ...garbage,
    });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses auditors, bad values, an empty change, a taken phone and an unknown person', async () => {
    const { personId } = await registerPerson(node);
    const other = await registerPerson(node);
    const auditor = await createStaff(node, 'auditor');
    const patch = (body: unknown, token?: string) =>
      adminCall(node, 'PATCH', `/admin/v1/persons/${personId}`, {
        body,
        ...(token ? { token } : {}),
      });
    expect((await patch({ givenName: 'X' }, auditor.token)).status).toBe(403);
    const agent = await createStaff(node, 'call_centre');
    expect((await patch({ givenName: 'X' }, agent.token)).status).toBe(403);
    // A photo over 512 KiB (the registration limit) is refused, not stored.
    const huge = Buffer.alloc(515 * 1024, 1);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await patch({ photo: huge.toString('base64') })).status).toBe(400);
    expect((await patch({ nationalId: uniqueNationalId() })).status).toBe(400);
    expect((await patch({ birthDate: '2999-01-01' })).status).toBe(400);
    expect((await patch({ givenName: 'a\u202Eb' })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    const taken = await patch({ phone: other.body.phone });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await adminCall(
      node,
      'PATCH',
      '/admin/v1/persons/00000000-0000-4000-8000-000000000000',
      { body: { givenName: 'Nobody' } },
    );
    expect(unknown.status).toBe(404);
    // Nothing of the refused changes stuck.
    const now = await (await adminCall(node, 'GET', `/admin/v1/persons/${personId}`)).json();
    expect(now.givenName).toBe('Leyla');
  });
});

describe('POST /admin/v1/persons/{id}/activation-codes — SPEC F2', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ env: { ACTIVATION_CODE_TTL_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('issues a typeable one-time code, a PUK and the expiry', async () => {
    const { personId } = await registerPerson(node);
    const before = Date.now();
    const r = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = await r.json();
    expect(body.activationCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(body.puk).toMatch(/^[0-9]{8}$/);
    const expires = Date.parse(body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    const rows = await node.ctx.db
      .selectFrom('activation_codes')
      .selectAll()
      .where('person_id', '=', personId)
      .execute();
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify({ ...rows[0], secret_hash: rows[0]?.secret_hash.toString('hex') });
    expect(dump).not.toContain(body.activationCode.replace(/-/g, '').slice(8));
    expect(dump).not.toContain(body.puk);
  });

  it('supersedes the person’s earlier outstanding code', async () => {
    const { personId } = await registerPerson(node);
    await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
    await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
    const rows = await node.ctx.db
      .selectFrom('activation_codes')
      .select(['status', 'puk_sealed'])
      .where('person_id', '=', personId)
      .orderBy('created_at')
      .execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['active', 'superseded']);
    expect(rows.find((r) => r.status === 'superseded')?.puk_sealed).toBeNull();
  });
});
