import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { useProblem } from '../../ui/use-problem.js';
import { messages } from './messages.js';
import { useSession, useStaff } from './session.js';

interface Anchor {
  fingerprint: string;
  subject: string;
  addedAt: string;
}

/** The validation trust list: other countries' CAs beside our own (F17; docs/documents.md). */
export function TrustList() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const { call } = useStaff();
  const canWrite = useSession().role === 'operator';
  const [anchors, setAnchors] = useState<Anchor[]>([]);
  const [pem, setPem] = useState('');
  const { problem, run } = useProblem();
  const load = useCallback(
    () =>
      run(async () =>
        setAnchors((await call<{ anchors: Anchor[] }>('/admin/v1/trust-list')).anchors),
      ),
    [call, run],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await call('/admin/v1/trust-list', { method: 'POST', json: { certificate: pem.trim() } });
      setPem('');
      await load();
    });
  };
  const remove = (fingerprint: string) =>
    run(async () => {
      if (!window.confirm(t('trustRemoveConfirm'))) return;
      await call(`/admin/v1/trust-list/${fingerprint}`, { method: 'DELETE' });
      await load();
    });
  return (
    <section className="card">
      <h2>{t('navTrustList')}</h2>
      <p className="muted">{t('trustIntro')}</p>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      {anchors.length === 0 ? <p className="muted">{t('noEvents')}</p> : null}
      {anchors.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>{t('trustSubject')}</th>
                <th>SHA-256</th>
                <th>{t('colTime')}</th>
                {canWrite ? <th>{t('colActions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {anchors.map((a) => (
                <tr key={a.fingerprint}>
                  <td>{a.subject}</td>
                  <td className="code small">{a.fingerprint}</td>
                  <td className="small">{new Date(a.addedAt).toLocaleString(lang)}</td>
                  {canWrite ? (
                    <td>
                      <button
                        type="button"
                        className="danger small"
                        onClick={() => void remove(a.fingerprint)}
                      >
                        {t('trustRemove')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? (
        <form onSubmit={add}>
          <label htmlFor="trust-pem">{t('trustAdd')}</label>
          <textarea
            id="trust-pem"
            rows={6}
            className="code small"
            placeholder="-----BEGIN CERTIFICATE-----"
            value={pem}
            onChange={(e) => setPem(e.target.value)}
            required
          />
          <p>
            <button type="submit">{t('trustAddButton')}</button>
          </p>
        </form>
      ) : null}
    </section>
  );
}
