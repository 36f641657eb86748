// The light claims module only: the console must not load the X.509 and SD-JWT code.
import { ID_CARD_CLAIMS, type IdCardClaim } from '@openmid/protocol/id-card/claims';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../../../ui/api.js';
import { useLanguage, useT } from '../../../ui/i18n.js';
import { ErrorNotice } from '../../../ui/layout.js';
import { CLAIM_LABELS, roleLabel } from '../../verifier/claim-labels.js';
import { useSession, useStaff } from '../session.js';
import { verifiersMessages } from './verifiers-messages.js';

/**
 * The verifier registry (SPEC F21, F27; docs/admin-api.md "Verifiers"): roles and the claims each
 * may see, verifier organisations, their devices, one-time enrolment codes and revocation.
 */
interface RoleJson {
  name: string;
  claims: IdCardClaim[];
  description: string;
}

interface DeviceJson {
  verifierDeviceId: string;
  role: string;
  name: string;
  status: 'pending' | 'active' | 'revoked';
  certificateSerial: string | null;
}

interface OrganisationJson {
  organisationId: string;
  name: string;
  devices: DeviceJson[];
}

const STATUS_KEY = {
  pending: 'statusPending',
  active: 'statusActive',
  revoked: 'statusRevoked',
} as const;

export function Verifiers() {
  const t = useT(verifiersMessages);
  const { lang } = useLanguage();
  const { call } = useStaff();
  const writer = useSession().role === 'operator';
  const [roles, setRoles] = useState<RoleJson[]>([]);
  const [organisations, setOrganisations] = useState<OrganisationJson[]>([]);
  const [problem, setProblem] = useState<ApiProblem>();
  const [notice, setNotice] = useState<string>();
  const [code, setCode] = useState<{ name: string; code: string; until: string }>();
  const [orgName, setOrgName] = useState('');
  const [roleDraft, setRoleDraft] = useState<RoleJson>({ name: '', claims: [], description: '' });
  const [deviceDraft, setDeviceDraft] = useState<Record<string, { role: string; name: string }>>(
    {},
  );

  const run = useCallback(async (task: () => Promise<void>) => {
    setProblem(undefined);
    try {
      await task();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  }, []);
  const load = useCallback(
    () =>
      run(async () => {
        setRoles((await call<{ roles: RoleJson[] }>('/admin/v1/verifier-roles')).roles);
        setOrganisations(
          (await call<{ organisations: OrganisationJson[] }>('/admin/v1/verifier-organisations'))
            .organisations,
        );
      }),
    [call, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const claimList = (claims: readonly IdCardClaim[]) =>
    claims.map((c) => CLAIM_LABELS[lang][c]).join(lang === 'zh-Hant' ? '、' : ', ');

  const saveRole = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const saved = await call<RoleJson>('/admin/v1/verifier-roles', {
        method: 'POST',
        json: roleDraft,
      });
      setNotice(t('roleSaved', { role: saved.name }));
      setRoleDraft({ name: '', claims: [], description: '' });
      await load();
    });
  };

  const registerOrganisation = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await call('/admin/v1/verifier-organisations', { method: 'POST', json: { name: orgName } });
      setOrgName('');
      await load();
    });
  };

  const issueCode = (organisationId: string) => (event: FormEvent) => {
    event.preventDefault();
    const draft = deviceDraft[organisationId] ?? { role: roles[0]?.name ?? '', name: '' };
    void run(async () => {
      const issued = await call<{ enrolmentCode: string; expiresAt: string; name: string }>(
        `/admin/v1/verifier-organisations/${organisationId}/devices`,
        { method: 'POST', json: draft },
      );
      setCode({
        name: issued.name,
        code: issued.enrolmentCode,
        until: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
          new Date(issued.expiresAt),
        ),
      });
      setDeviceDraft((d) => ({ ...d, [organisationId]: { role: draft.role, name: '' } }));
      await load();
    });
  };

  const revoke = (id: string) =>
    run(async () => {
      if (!window.confirm(t('confirmRevoke'))) return;
      await call(`/admin/v1/verifier-devices/${id}/revoke`, { method: 'POST' });
      await load();
    });

  return (
    <section className="card">
      <h2>{t('heading')}</h2>
      <p className="muted">{t('intro')}</p>
      {writer ? null : <p className="notice notice-warn">{t('readOnly')}</p>}
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      {notice ? <p className="notice notice-ok">{notice}</p> : null}
      {code ? (
        <div className="notice notice-ok" data-testid="enrolment-code">
          <strong>{t('codeOnce', { name: code.name, until: code.until })}</strong>
          <p className="code">{code.code}</p>
        </div>
      ) : null}

      <h3>{t('rolesHeading')}</h3>
      <div className="table-scroll">
        <table data-testid="verifier-roles">
          <thead>
            <tr>
              <th>{t('role')}</th>
              <th>{t('claims')}</th>
              <th>{t('description')}</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.name}>
                <td>
                  {roleLabel(lang, r.name)} <span className="code small">{r.name}</span>
                </td>
                <td>{claimList(r.claims)}</td>
                <td className="small">{r.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {writer ? (
        <form className="grid-form" onSubmit={saveRole}>
          <label>
            {t('role')}
            <input
              value={roleDraft.name}
              pattern="[a-z][a-z0-9_\-]{1,31}"
              required
              onChange={(e) => setRoleDraft({ ...roleDraft, name: e.target.value })}
            />
          </label>
          <label>
            {t('description')}
            <input
              value={roleDraft.description}
              maxLength={200}
              onChange={(e) => setRoleDraft({ ...roleDraft, description: e.target.value })}
            />
          </label>
          <fieldset className="field-wide">
            <legend>{t('claims')}</legend>
            {ID_CARD_CLAIMS.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={roleDraft.claims.includes(c)}
                  onChange={(e) =>
                    setRoleDraft({
                      ...roleDraft,
                      claims: e.target.checked
                        ? [...roleDraft.claims, c]
                        : roleDraft.claims.filter((x) => x !== c),
                    })
                  }
                />
                {CLAIM_LABELS[lang][c]}
              </label>
            ))}
          </fieldset>
          <div className="field-wide">
            <button className="button" type="submit" disabled={roleDraft.claims.length === 0}>
              {t('saveRole')}
            </button>
          </div>
        </form>
      ) : null}

      <h3>{t('organisationsHeading')}</h3>
      {writer ? (
        <form className="row" onSubmit={registerOrganisation}>
          <label htmlFor="v-org">{t('organisationName')}</label>
          <input
            id="v-org"
            value={orgName}
            maxLength={128}
            required
            onChange={(e) => setOrgName(e.target.value)}
          />
          <button className="button" type="submit">
            {t('register')}
          </button>
        </form>
      ) : null}
      {organisations.length === 0 ? <p className="muted">{t('noOrganisations')}</p> : null}
      {organisations.map((o) => {
        const draft = deviceDraft[o.organisationId] ?? { role: roles[0]?.name ?? '', name: '' };
        return (
          <article key={o.organisationId} className="card" data-testid="verifier-organisation">
            <h4>{o.name}</h4>
            {o.devices.length > 0 ? (
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th>{t('deviceName')}</th>
                      <th>{t('role')}</th>
                      <th>{t('status')}</th>
                      <th>{t('certificate')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {o.devices.map((d) => (
                      <tr key={d.verifierDeviceId}>
                        <td>{d.name}</td>
                        <td>{roleLabel(lang, d.role)}</td>
                        <td>{t(STATUS_KEY[d.status])}</td>
                        <td className="code small">{d.certificateSerial ?? '—'}</td>
                        <td>
                          {writer && d.status !== 'revoked' ? (
                            <button
                              type="button"
                              className="danger"
                              onClick={() => void revoke(d.verifierDeviceId)}
                            >
                              {t('revoke')}
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {writer ? (
              <form className="row" onSubmit={issueCode(o.organisationId)}>
                <select
                  className="narrow"
                  aria-label={t('role')}
                  value={draft.role}
                  onChange={(e) =>
                    setDeviceDraft((d) => ({
                      ...d,
                      [o.organisationId]: { ...draft, role: e.target.value },
                    }))
                  }
                >
                  {roles.map((r) => (
                    <option key={r.name} value={r.name}>
                      {roleLabel(lang, r.name)}
                    </option>
                  ))}
                </select>
                <input
                  aria-label={t('deviceName')}
                  placeholder={t('deviceName')}
                  value={draft.name}
                  maxLength={64}
                  required
                  onChange={(e) =>
                    setDeviceDraft((d) => ({
                      ...d,
                      [o.organisationId]: { ...draft, name: e.target.value },
                    }))
                  }
                />
                <button className="button" type="submit">
                  {t('newDevice')}
                </button>
              </form>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}
