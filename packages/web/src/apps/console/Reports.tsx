import { useEffect, useState } from 'react';
import { ApiProblem, api } from '../../ui/api.js';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { latestEntries, latestHead, type ParsedEntry } from './log-api.js';
import { messages } from './messages.js';

const NOT_ME = new Set(['session.reported_not_me']);
const LIMITS = new Set([
  'session.rate_limited',
  'staff.auth_locked',
  'activation.locked',
  'activation_code.locked',
  'web_login.csrf_failed',
]);

function EventTable({ entries }: { entries: ParsedEntry[] }) {
  const t = useT(messages);
  const { lang } = useLanguage();
  if (entries.length === 0) return <p className="muted">{t('noEvents')}</p>;
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th>{t('colTime')}</th>
            <th>{t('colType')}</th>
            <th>{t('colActor')}</th>
            <th>{t('colDetails')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.leaf_index}>
              <td className="small">{new Date(e.time).toLocaleString(lang)}</td>
              <td className="code small">{e.type}</td>
              <td className="code small">{e.actor}</td>
              <td className="code small details" title={JSON.stringify(e.data)}>
                {JSON.stringify(e.data)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Not me" reports, rate-limit and lock-out events (from the log), and the node's health. */
export function Reports() {
  const t = useT(messages);
  const [entries, setEntries] = useState<ParsedEntry[] | undefined>();
  const [health, setHealth] = useState<{ live: boolean; ready: boolean } | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    const probe = async (path: string) => {
      try {
        await api(path);
        return true;
      } catch {
        return false;
      }
    };
    void (async () => {
      setHealth({ live: await probe('/healthz'), ready: await probe('/readyz') });
      try {
        const head = await latestHead();
        setEntries(await latestEntries(head.tree_size, 2000));
      } catch (error) {
        if (error instanceof ApiProblem) setProblem(error);
        else throw error;
      }
    })();
  }, []);

  return (
    <>
      <section className="card">
        <h2>{t('healthTitle')}</h2>
        {health ? (
          <ul className="health">
            <li className={health.live ? 'ok' : 'bad'}>
              {health.live ? '✓' : '✗'} {t('healthLive')}
            </li>
            <li className={health.ready ? 'ok' : 'bad'}>
              {health.ready ? '✓' : '✗'} {t('healthReady')}
            </li>
          </ul>
        ) : (
          <p className="muted">{t('loading')}</p>
        )}
      </section>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      <section className="card">
        <h2>{t('notMeTitle')}</h2>
        {entries ? <EventTable entries={entries.filter((e) => NOT_ME.has(e.type))} /> : null}
      </section>
      <section className="card">
        <h2>{t('rateTitle')}</h2>
        {entries ? <EventTable entries={entries.filter((e) => LIMITS.has(e.type))} /> : null}
      </section>
    </>
  );
}
