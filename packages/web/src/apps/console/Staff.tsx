import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { useProblem } from '../../ui/use-problem.js';
import { messages } from './messages.js';
import { type StaffRole, useSession, useStaff } from './session.js';

interface StaffJson {
  staffId: string;
  role: StaffRole;
  name: string;
  status: 'active' | 'disabled';
  nationalId: string | null;
  createdAt: string;
}

const ROLES: readonly StaffRole[] = ['officer', 'operator', 'auditor', 'call_centre'];

/** Staff and their roles (operators change them; auditors read). */
export function Staff() {
  const t = useT(messages);
  const { call } = useStaff();
  const session = useSession();
  const canWrite = session.role === 'operator';
  const [staff, setStaff] = useState<StaffJson[]>([]);
  const { problem, run } = useProblem();
  const [token, setToken] = useState<string | undefined>();
  const [form, setForm] = useState({ role: 'officer' as StaffRole, name: '', nationalId: '' });

  const load = useCallback(
    () => run(async () => setStaff((await call<{ staff: StaffJson[] }>('/admin/v1/staff')).staff)),
    [call, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await call<StaffJson & { token: string }>('/admin/v1/staff', {
        method: 'POST',
        json: {
          role: form.role,
          name: form.name.trim(),
          ...(form.nationalId.trim() ? { nationalId: form.nationalId.trim() } : {}),
        },
      });
      setToken(created.token);
      setForm({ ...form, name: '', nationalId: '' });
      await load();
    });
  };
  const act = (id: string, action: 'disable' | 'enable') =>
    run(async () => {
      await call(`/admin/v1/staff/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
      await load();
    });
  const link = (id: string) => {
    const nationalId = window.prompt(t('fieldNationalId'));
    if (!nationalId) return;
    void run(async () => {
      await call(`/admin/v1/staff/${encodeURIComponent(id)}/person`, {
        method: 'POST',
        json: { nationalId: nationalId.trim() },
      });
      await load();
    });
  };

  const bootstrapActive = staff.some((s) => s.staffId === 'bootstrap' && s.status === 'active');
  return (
    <>
      <section className="card">
        <h2>{t('staffTitle')}</h2>
        {bootstrapActive ? (
          <div className="notice notice-warn" data-testid="bootstrap-warning">
            {t('bootstrapWarning')}
          </div>
        ) : null}
        {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>{t('fieldName')}</th>
                <th>{t('fieldRole')}</th>
                <th>{t('fieldNationalId')}</th>
                <th>{t('fieldStatus')}</th>
                {canWrite ? <th>{t('colActions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.staffId} data-testid="staff-row">
                  <td>{s.name}</td>
                  <td>{t(`role_${s.role}`)}</td>
                  <td>{s.nationalId ?? '—'}</td>
                  <td>{s.status === 'active' ? t('statusActive') : t('statusDisabled')}</td>
                  {canWrite ? (
                    <td>
                      <div className="row">
                        {s.status === 'active' ? (
                          <button
                            type="button"
                            className="secondary"
                            disabled={s.staffId === session.staffId}
                            onClick={() => void act(s.staffId, 'disable')}
                          >
                            {t('disable')}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => void act(s.staffId, 'enable')}
                          >
                            {t('enable')}
                          </button>
                        )}
                        {s.staffId !== 'bootstrap' ? (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => link(s.staffId)}
                          >
                            {t('linkPerson')}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {canWrite ? (
        <section className="card">
          <h2>{t('staffCreate')}</h2>
          <form onSubmit={create} className="grid-form">
            <div className="field">
              <label htmlFor="s-role">{t('fieldRole')}</label>
              <select
                id="s-role"
                value={form.role}
                onChange={(e) => setForm({ ...form, role: e.target.value as StaffRole })}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role_${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="s-name">{t('fieldName')}</label>
              <input
                id="s-name"
                required
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="s-nid">{t('fieldNationalId')}</label>
              <input
                id="s-nid"
                placeholder="PNOAZ-1234567"
                value={form.nationalId}
                onChange={(e) => setForm({ ...form, nationalId: e.target.value })}
              />
            </div>
            <div className="field-wide">
              <button type="submit">{t('staffCreate')}</button>
            </div>
          </form>
          {token ? (
            <div className="notice notice-ok">
              <strong>{t('staffTokenOnce')}</strong>
              <p className="code">{token}</p>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
