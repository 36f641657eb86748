import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiProblem, api } from '../../ui/api.js';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { latestEntries, latestHead, type ParsedEntry } from './log-api.js';
import {
  checkInclusion,
  type InclusionCheck,
  type TreeHeadJson,
  verifyTreeHead,
} from './log-verify.js';
import { messages } from './messages.js';

const PAGE = 200;

/** The auditor's view of the tamper-evident log: browse, filter, verify in the browser, export. */
export function AuditLog() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const [head, setHead] = useState<TreeHeadJson | undefined>();
  const [jwk, setJwk] = useState<JsonWebKey | undefined>();
  const [headOk, setHeadOk] = useState<boolean | undefined>();
  const [entries, setEntries] = useState<ParsedEntry[]>([]);
  const [count, setCount] = useState(PAGE);
  const [type, setType] = useState('');
  const [text, setText] = useState('');
  const [checks, setChecks] = useState<Record<number, InclusionCheck | 'running'>>({});
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  const load = useCallback(async () => {
    setProblem(undefined);
    try {
      const [sth, key] = await Promise.all([
        latestHead(),
        api<{ jwk: JsonWebKey; key_id: string }>('/log/v1/key'),
      ]);
      setHead(sth);
      setJwk(key.jwk);
      setHeadOk(await verifyTreeHead(sth, key.jwk));
      setEntries(await latestEntries(sth.tree_size, count));
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  }, [count]);
  useEffect(() => {
    void load();
  }, [load]);

  const types = useMemo(() => [...new Set(entries.map((e) => e.type))].sort(), [entries]);
  const shown = entries.filter(
    (e) =>
      (type === '' || e.type === type) &&
      (text === '' || e.entry_json.toLowerCase().includes(text.toLowerCase())),
  );

  const verify = async (entry: ParsedEntry) => {
    if (!head || !jwk) return;
    setChecks((c) => ({ ...c, [entry.leaf_index]: 'running' }));
    const proof = await api<{ leaf_index: number; tree_size: number; audit_path: string[] }>(
      `/log/v1/proof/inclusion?leaf_index=${entry.leaf_index}&tree_size=${head.tree_size}`,
    );
    const result = await checkInclusion({
      entryJson: entry.entry_json,
      leafIndex: entry.leaf_index,
      listedLeafHash: entry.leaf_hash,
      head,
      jwk,
      proof,
    });
    setChecks((c) => ({ ...c, [entry.leaf_index]: result }));
  };

  const exportJson = () => {
    const blob = new Blob([JSON.stringify({ treeHead: head, key: jwk, entries: shown }, null, 2)], {
      type: 'application/json',
    });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `openmid-log-${head?.tree_size ?? 0}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <>
      <section className="card">
        <h2>{t('logTitle')}</h2>
        <p className="muted">{t('logIntro')}</p>
        {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
        {head ? (
          <div
            className={`notice ${headOk ? 'notice-ok' : 'notice-error'}`}
            data-testid="sth-status"
          >
            <strong>
              {headOk
                ? t('sthVerified', { size: head.tree_size })
                : t('sthInvalid', { size: head.tree_size })}
            </strong>
            <p className="code small">
              {t('rootHash')}: {head.root_hash} · {new Date(head.timestamp).toLocaleString(lang)}
            </p>
          </div>
        ) : null}
        <div className="grid-form">
          <div className="field">
            <label htmlFor="l-type">{t('filterType')}</label>
            <select id="l-type" value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">{t('filterAll')}</option>
              {types.map((ty) => (
                <option key={ty} value={ty}>
                  {ty}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="l-text">{t('filterText')}</label>
            <input id="l-text" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
        </div>
        <div className="row">
          <button type="button" className="secondary" onClick={() => void load()}>
            {t('refresh')}
          </button>
          <button type="button" className="secondary" onClick={() => setCount(count + PAGE)}>
            {t('loadMore')}
          </button>
          <button type="button" className="secondary" onClick={exportJson} data-testid="export">
            {t('exportJson')}
          </button>
        </div>
      </section>
      <section className="card">
        <div className="table-scroll">
          <table className="log-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('colTime')}</th>
                <th>{t('colType')}</th>
                <th>{t('colActor')}</th>
                <th>{t('colDetails')}</th>
                <th>{t('verifyEntry')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const check = checks[e.leaf_index];
                return (
                  <tr key={e.leaf_index} data-testid={`log-entry-${e.leaf_index}`}>
                    <td>{e.leaf_index}</td>
                    <td className="small">{new Date(e.time).toLocaleString(lang)}</td>
                    <td className="code small">{e.type}</td>
                    <td className="code small">{e.actor}</td>
                    <td className="code small details" title={JSON.stringify(e.data)}>
                      {JSON.stringify(e.data)}
                    </td>
                    <td>
                      {check === undefined ? (
                        <button
                          type="button"
                          className="secondary small"
                          onClick={() => void verify(e)}
                        >
                          {t('verifyEntry')}
                        </button>
                      ) : check === 'running' ? (
                        <span className="muted">…</span>
                      ) : check.leafMatches && check.included && check.signed ? (
                        <span className="ok" data-testid="inclusion-ok">
                          ✓ {t('inclusionOk', { size: check.treeSize })}
                        </span>
                      ) : (
                        <span className="bad" data-testid="inclusion-bad">
                          ✗ {t('inclusionBad')}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
