import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { adminCall, createStaff, personBody, registerPerson } from '../support/admin.js';
import { freshTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('admin API roles — SPEC §4.5', () => {
  let node: TestNode;
  let officer: string;
  let auditor: string;
  let operator: string;
  beforeAll(async () => {
    node = await startTestNode();
    officer = (await createStaff(node, 'officer')).token;
    auditor = (await createStaff(node, 'auditor')).token;
    operator = (await createStaff(node, 'operator')).token;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('refuses a call without a token with 401 and WWW-Authenticate', async () => {
    const r = await adminCall(node, 'GET', '/admin/v1/staff', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="openmid-admin"/);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect((await r.json()).error).toBe('unauthorized');
  });

  it('refuses a wrong token with 401 invalid_token', async () => {
    const r = await adminCall(node, 'GET', '/admin/v1/staff', {
      token: 'omid_not-a-real-token-at-all',
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await r.json()).error).toBe('invalid_token');
  });

  it('refuses another authorization scheme as no token', async () => {
    const r = await node.request('/admin/v1/staff', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(r.status).toBe(401);
    expect((await r.json()).error).toBe('unauthorized');
  });

  it('lets an operator create staff and shows the token once', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/staff', {
      token: operator,
      body: { role: 'officer', name: 'Aynur Əliyeva' },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const created = await r.json();
    expect(created).toMatchObject({ role: 'officer', name: 'Aynur Əliyeva', status: 'active' });
    expect(created.token).toMatch(/^omid_[A-Za-z0-9_-]{43}$/);
    const list = await (await adminCall(node, 'GET', '/admin/v1/staff', { token: auditor })).json();
    const listed = list.staff.find((s: { staffId: string }) => s.staffId === created.staffId);
    expect(listed).toBeDefined();
    expect(JSON.stringify(list)).not.toContain(created.token);
    const own = await adminCall(node, 'POST', '/admin/v1/persons', {
      token: created.token,
      body: personBody(),
    });
    expect(own.status).toBe(201);
  });

  it('refuses a staff name with control characters, an unknown role or extra fields (400)', async () => {
    for (const body of [
      { role: 'officer', name: 'Eve\u202E' },
      { role: 'root', name: 'Eve' },
      { role: 'officer', name: 'Eve', admin: true },
      { role: 'officer' },
    ]) {
      const r = await adminCall(node, 'POST', '/admin/v1/staff', { token: operator, body });
      expect(r.status).toBe(400);
    }
  });

  it('refuses staff creation by an officer and an auditor (403)', async () => {
    for (const token of [officer, auditor]) {
      const r = await adminCall(node, 'POST', '/admin/v1/staff', {
        token,
        body: { role: 'operator', name: 'mallory' },
      });
      expect(r.status).toBe(403);
      expect((await r.json()).error).toBe('forbidden');
    }
  });

  it('refuses writes by an auditor but lets it read', async () => {
    const { personId } = await registerPerson(node);
    const create = await adminCall(node, 'POST', '/admin/v1/persons', {
      token: auditor,
      body: personBody(),
    });
    expect(create.status).toBe(403);
    const code = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`, {
      token: auditor,
    });
    expect(code.status).toBe(403);
    const read = await adminCall(node, 'GET', `/admin/v1/persons/${personId}`, { token: auditor });
    expect(read.status).toBe(200);
  });

  it('lets an officer register persons and issue activation codes', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/persons', {
      token: officer,
      body: personBody(),
    });
    expect(r.status).toBe(201);
    const { personId } = await r.json();
    const code = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`, {
      token: officer,
    });
    expect(code.status).toBe(201);
  });

  it('stops a disabled staff member at once, and a rotated token replaces the old one', async () => {
    const member = await createStaff(node, 'officer');
    const ok = await adminCall(node, 'GET', '/admin/v1/persons?phone=%2B994500000000', {
      token: member.token,
    });
    expect(ok.status).toBe(200);
    const disable = await adminCall(node, 'POST', `/admin/v1/staff/${member.staffId}/disable`, {
      token: operator,
    });
    expect(disable.status).toBe(200);
    expect((await disable.json()).status).toBe('disabled');
    const refused = await adminCall(node, 'GET', '/admin/v1/persons?phone=%2B994500000000', {
      token: member.token,
    });
    expect(refused.status).toBe(401);
    await adminCall(node, 'POST', `/admin/v1/staff/${member.staffId}/enable`, { token: operator });
    const rotated = await adminCall(node, 'POST', `/admin/v1/staff/${member.staffId}/token`, {
      token: operator,
    });
    const { token } = await rotated.json();
    const old = await adminCall(node, 'GET', '/admin/v1/persons?phone=%2B994500000000', {
      token: member.token,
    });
    expect(old.status).toBe(401);
    const fresh = await adminCall(node, 'GET', '/admin/v1/persons?phone=%2B994500000000', {
      token,
    });
    expect(fresh.status).toBe(200);
  });

  it('records staff actions in the audit log with the actor', async () => {
    const member = await createStaff(node, 'auditor');
    const rows = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'actor', 'entry_json'])
      .where('type', '=', 'staff.created')
      .execute();
    const row = rows.find((r) => r.entry_json.includes(member.staffId));
    expect(row?.actor).toBe('operator:bootstrap');
  });

  it('stores tokens only as keyed hashes', async () => {
    const member = await createStaff(node, 'officer');
    const rows = await node.ctx.db.selectFrom('staff').selectAll().execute();
    const dump = JSON.stringify(
      rows.map((r) => ({ ...r, token_hash: r.token_hash.toString('hex') })),
    );
    expect(dump).not.toContain(member.token);
    expect(dump).not.toContain(Buffer.from(member.token).toString('hex'));
  });
});

describe('admin token guessing — SPEC §5 Security', () => {
  it('locks a source out after too many wrong tokens, audited, and lifts with the window', async () => {
    const db = await freshTestDb();
    // Start just inside a 15-minute window, so the three failures fall into one.
    const clock = fixedClock(new Date(Math.floor(Date.now() / 900_000) * 900_000 + 60_000));
    const node = await startTestNode({ db, clock, env: { ADMIN_MAX_TOKEN_FAILURES: '3' } });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await adminCall(node, 'GET', '/admin/v1/staff', {
          token: `wrong-token-number-${i}`,
        });
        expect(r.status).toBe(401);
      }
      const locked = await adminCall(node, 'GET', '/admin/v1/staff');
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toMatch(/^[0-9]+$/);
      expect((await locked.json()).error).toBe('rate_limited');
      const types = (
        await node.ctx.db.selectFrom('log_entries').select('type').orderBy('id').execute()
      ).map((r) => r.type);
      expect(types.filter((t) => t === 'staff.auth_failed')).toHaveLength(2);
      expect(types.filter((t) => t === 'staff.auth_locked')).toHaveLength(1);
      // More guesses while locked are neither counted further into the log nor let through.
      await adminCall(node, 'GET', '/admin/v1/staff', { token: 'wrong-token-number-9' });
      const after = await node.ctx.db
        .selectFrom('log_entries')
        .select('type')
        .where('type', 'like', 'staff.auth_%')
        .execute();
      expect(after).toHaveLength(3);
      clock.advance(15 * 60 * 1000 + 1000);
      expect((await adminCall(node, 'GET', '/admin/v1/staff')).status).toBe(200);
    } finally {
      await node.stop();
      await db.close();
    }
  });
});

describe('bootstrap operator — SPEC §4.5', () => {
  it('is created once when two nodes start together with ADMIN_TOKEN', async () => {
    const db = await freshTestDb();
    try {
      const nodes = await Promise.all([startTestNode({ db }), startTestNode({ db })]);
      for (const n of nodes)
        expect((await adminCall(n, 'GET', '/admin/v1/staff')).status).toBe(200);
      await Promise.all(nodes.map((n) => n.stop()));
      const created = await db.db
        .selectFrom('log_entries')
        .select('type')
        .where('type', '=', 'staff.created')
        .execute();
      expect(created).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('is generated on first start when ADMIN_TOKEN is unset, and only once', async () => {
    const db = await freshTestDb();
    try {
      const first = await startTestNode({ db, env: { ADMIN_TOKEN: '' } });
      const token = first.ctx.staff.takeGeneratedBootstrapToken();
      expect(token).toMatch(/^omid_/);
      expect(first.ctx.staff.takeGeneratedBootstrapToken()).toBeUndefined();
      const r = await adminCall(first, 'GET', '/admin/v1/staff', { token: token as string });
      expect(r.status).toBe(200);
      await first.stop();
      const second = await startTestNode({ db, env: { ADMIN_TOKEN: '' } });
      expect(second.ctx.staff.takeGeneratedBootstrapToken()).toBeUndefined();
      const again = await adminCall(second, 'GET', '/admin/v1/staff', { token: token as string });
      expect(again.status).toBe(200);
      await second.stop();
      // ADMIN_TOKEN replaces it.
      const third = await startTestNode({
        db,
        env: { ADMIN_TOKEN: 'operator-chosen-token-123456' },
      });
      expect(
        (await adminCall(third, 'GET', '/admin/v1/staff', { token: token as string })).status,
      ).toBe(401);
      expect(
        (
          await adminCall(third, 'GET', '/admin/v1/staff', {
            token: 'operator-chosen-token-123456',
          })
        ).status,
      ).toBe(200);
      await third.stop();
    } finally {
      await db.close();
    }
  });
});
