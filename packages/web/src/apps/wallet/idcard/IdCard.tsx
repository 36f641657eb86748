import { type IdCardClaims, readCard, sortIdCardClaims } from '@openmid/protocol/id-card';
import { useEffect, useState } from 'react';
import { useLanguage, useT } from '../../../ui/i18n.js';
import { Link } from '../../../ui/router.js';
import { CLAIM_LABELS } from '../../verifier/claim-labels.js';
import { BASE } from '../base.js';
import { NotActivated } from '../NotActivated.js';
import { useWallet } from '../wallet-state.js';
import { fetchCard, flushReports, type StoredCard, storedCard } from './idcard-store.js';
import { messages } from './messages.js';
import './idcard.css';

type CardInfo = Awaited<ReturnType<typeof readCard>>;

/** The card as it is on this phone: shown offline from the stored credential (SPEC F20). */
export function IdCard() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const wallet = useWallet();
  const [card, setCard] = useState<StoredCard | null>();
  const [info, setInfo] = useState<CardInfo>();
  const [offline, setOffline] = useState(false);

  useEffect(() => {
    let live = true;
    void storedCard().then((stored) => {
      if (live) setCard((current) => current ?? stored ?? null);
    });
    if (wallet.client) {
      const client = wallet.client;
      fetchCard(client).then(
        (fresh) => {
          if (!live) return;
          setCard(fresh);
          setOffline(false);
          void flushReports(client);
        },
        () => {
          if (live) setOffline(true);
        },
      );
    }
    return () => {
      live = false;
    };
  }, [wallet.client]);

  useEffect(() => {
    if (card) void readCard(card.credential).then(setInfo);
  }, [card]);

  if (wallet.state === 'none') return <NotActivated />;
  if (card === undefined || (card && !info)) return <p role="status">{t('loading')}</p>;
  if (card === null || !info) {
    return (
      <section className="card">
        <h2>{t('cardTitle')}</h2>
        <p className="notice notice-warn">{t('noCard')}</p>
      </section>
    );
  }
  const date = (seconds: number | undefined) =>
    seconds === undefined
      ? ''
      : new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(seconds * 1000));
  const claims: Partial<IdCardClaims> = info.claims;
  const expired = info.expiresAt !== undefined && info.expiresAt * 1000 < Date.now();
  const rows = sortIdCardClaims(
    (['birthdate', 'nationality', 'national_id', 'document_number'] as const).filter(
      (c) => claims[c] !== undefined,
    ),
  );
  return (
    <>
      {offline ? <p className="notice notice-warn">{t('offlineCard')}</p> : null}
      <article className="id-card" data-testid="id-card" aria-label={t('cardHeading')}>
        <header className="id-card-head">
          <span>{t('cardHeading')}</span>
          <span className="id-card-issuer">OpenMID</span>
        </header>
        <div className="id-card-body">
          {claims.picture?.startsWith('data:image/') ? (
            <img className="id-card-photo" src={claims.picture} alt={CLAIM_LABELS[lang].picture} />
          ) : (
            <div className="id-card-photo id-card-photo-none" aria-hidden="true" />
          )}
          <div className="id-card-fields">
            <p className="id-card-name" data-testid="id-card-name">
              <span>{claims.family_name}</span> <span>{claims.given_name}</span>
            </p>
            <dl>
              {rows.map((c) => (
                <div key={c}>
                  <dt>{CLAIM_LABELS[lang][c]}</dt>
                  <dd>{String(claims[c])}</dd>
                </div>
              ))}
            </dl>
            <p className="id-card-badges">
              {claims.age_over_18 ? <span className="badge">18+</span> : null}
              {claims.age_over_21 ? <span className="badge">21+</span> : null}
            </p>
          </div>
        </div>
        <footer className="id-card-foot">
          <span>{t('validUntil', { date: date(info.expiresAt) })}</span>
        </footer>
      </article>
      {expired ? <p className="notice notice-error">{t('expired')}</p> : null}
      <p className="muted">{t('updatedAt', { date: date(Math.floor(card.fetchedAt / 1000)) })}</p>
      <div className="actions">
        <Link base={BASE} to="/idcard/present" className="button">
          {t('present')}
        </Link>
      </div>
    </>
  );
}
