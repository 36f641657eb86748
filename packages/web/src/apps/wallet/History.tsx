import { isDeviceError } from '@openmid/device/browser';
import type { HistoryEntry, HistoryKind } from '@openmid/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { dateTimeFormat, HistoryFilters, HistoryList } from './history-list.js';
import { messages } from './messages.js';
import { NotActivated } from './NotActivated.js';
import { getRecord, putRecord } from './storage.js';
import { useWallet } from './wallet-state.js';

/** The last lists seen, per filter, for reading offline. */
interface SavedHistory {
  savedAt: string;
  lists: Partial<Record<HistoryKind | 'all', HistoryEntry[]>>;
}

const HISTORY_RECORD = 'history';

export function History() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const wallet = useWallet();
  const [kind, setKind] = useState<HistoryKind | 'all'>('all');
  const [entries, setEntries] = useState<HistoryEntry[]>();
  const [next, setNext] = useState<string>();
  const [offlineSince, setOfflineSince] = useState<string>();
  const [error, setError] = useState<string>();

  const load = useCallback(
    async (filter: HistoryKind | 'all') => {
      const saved = await getRecord<SavedHistory>(HISTORY_RECORD).catch(() => undefined);
      const fromCache = () => {
        const list =
          saved?.lists[filter] ??
          saved?.lists.all?.filter((e) => filter === 'all' || e.kind === filter);
        if (list) {
          setEntries(list);
          setNext(undefined);
          setOfflineSince(saved?.savedAt);
          return true;
        }
        return false;
      };
      if (!wallet.client) {
        fromCache();
        return;
      }
      try {
        const page = await wallet.client.history({
          limit: 50,
          ...(filter === 'all' ? {} : { kind: filter }),
        });
        setEntries(page.entries);
        setNext(page.next);
        setOfflineSince(undefined);
        setError(undefined);
        const lists = { ...(saved?.lists ?? {}), [filter]: page.entries };
        await putRecord(HISTORY_RECORD, { savedAt: new Date().toISOString(), lists }).catch(
          () => undefined,
        );
      } catch (err) {
        if (!fromCache()) {
          setError(isDeviceError(err, 'NETWORK') ? t('noConnection') : t('historyFailed'));
        }
      }
    },
    [wallet.client, t],
  );

  useEffect(() => {
    if (wallet.state === 'ready') void load(kind);
  }, [wallet.state, kind, load]);

  if (wallet.state === 'none') return <NotActivated />;
  const more = async () => {
    if (!wallet.client || !next) return;
    try {
      const page = await wallet.client.history({
        limit: 50,
        before: next,
        ...(kind === 'all' ? {} : { kind }),
      });
      setEntries([...(entries ?? []), ...page.entries]);
      setNext(page.next);
    } catch {
      setError(t('noConnection'));
    }
  };
  const when = dateTimeFormat(lang);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('historyTitle')}</h2>
      <HistoryFilters kind={kind} onChange={setKind} />
      {offlineSince && (
        <div className="notice notice-warn" role="status" data-testid="history-offline">
          {t('historyOffline', { time: when(new Date(offlineSince)) })}
        </div>
      )}
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      {entries === undefined ? (
        <p role="status">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="card muted">{t('historyEmpty')}</p>
      ) : (
        <HistoryList entries={entries} locale={lang} />
      )}
      {next && !offlineSince && (
        <button type="button" className="secondary" onClick={() => void more()}>
          {t('historyMore')}
        </button>
      )}
    </section>
  );
}
