import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';
import { NewStaffBody, StaffParams, StaffPersonBody } from './admin-schemas.js';
import { requireStaff, staffOf } from './staff-auth.js';
import type { StaffMember } from './staff-service.js';

/** Staff of the admin API: operators create officers, auditors and other operators. */
export async function registerStaffRoutes(app: App, ctx: AppContext): Promise<void> {
  const operators = requireStaff(ctx, 'operator');
  // The national id of the linked person (shown to operators and auditors, who may read persons).
  const staffJson = async (m: StaffMember) => {
    const person = m.personId ? await ctx.registry.getPerson(ctx.db, m.personId) : undefined;
    return {
      staffId: m.id,
      role: m.role,
      name: m.name,
      status: m.status,
      nationalId: person?.nationalId ?? null,
      createdBy: m.createdBy,
      createdAt: m.createdAt.toISOString(),
    };
  };

  app.post(
    '/admin/v1/staff',
    { schema: { body: NewStaffBody }, onRequest: operators },
    async (request, reply) => {
      const { member, token } = await ctx.staff.create(
        ctx.db,
        request.body,
        staffOf(request).actor,
      );
      reply.code(201).header('cache-control', 'no-store');
      return { ...(await staffJson(member)), token };
    },
  );

  app.get(
    '/admin/v1/staff',
    { onRequest: requireStaff(ctx, 'operator', 'auditor') },
    async (request) => {
      await ctx.audit.append(ctx.db, { type: 'staff.listed', actor: staffOf(request).actor });
      return { staff: await Promise.all((await ctx.staff.list(ctx.db)).map(staffJson)) };
    },
  );

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/admin/v1/staff/:staffId/${action}`,
      { schema: { params: StaffParams }, onRequest: operators },
      async (request) =>
        staffJson(
          await ctx.staff.setStatus(ctx.db, request.params.staffId, status, staffOf(request).actor),
        ),
    );
  }

  app.post(
    '/admin/v1/staff/:staffId/person',
    { schema: { params: StaffParams, body: StaffPersonBody }, onRequest: operators },
    async (request) =>
      staffJson(
        await ctx.staff.linkPerson(
          ctx.db,
          request.params.staffId,
          request.body.nationalId,
          staffOf(request).actor,
        ),
      ),
  );

  app.post(
    '/admin/v1/staff/:staffId/token',
    { schema: { params: StaffParams }, onRequest: operators },
    async (request, reply) => {
      const { member, token } = await ctx.staff.rotateToken(
        ctx.db,
        request.params.staffId,
        staffOf(request).actor,
      );
      reply.header('cache-control', 'no-store');
      return { ...(await staffJson(member)), token };
    },
  );
}
