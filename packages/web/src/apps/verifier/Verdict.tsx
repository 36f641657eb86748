import {
  type IdCardClaim,
  type PresentationResult,
  sortIdCardClaims,
} from '@openmid/protocol/id-card';
import { useLanguage, useT } from '../../ui/i18n.js';
import { CLAIM_LABELS } from './claim-labels.js';
import { messages } from './messages.js';

/** The verdict of one check, big and unmistakable, with what the citizen disclosed. */
export function Verdict({ result, onNext }: { result: PresentationResult; onNext: () => void }) {
  const t = useT(messages);
  const { lang } = useLanguage();
  const claims = result.claims ?? {};
  const names = sortIdCardClaims(Object.keys(claims) as IdCardClaim[]).filter(
    (c) => c !== 'picture',
  );
  const show = (value: unknown) =>
    typeof value === 'boolean' ? (value ? t('yes') : t('no')) : String(value);
  return (
    <section className="card verdict-card">
      <div
        className={`verdict verdict-${result.verdict}`}
        role="status"
        data-testid="verdict"
        data-verdict={result.verdict}
      >
        <strong>{t(`verdict_${result.verdict}`)}</strong>
        <span>{t(`verdictHelp_${result.verdict}`)}</span>
      </div>
      {result.reason ? <p className="muted">{t('reason', { reason: result.reason })}</p> : null}
      {result.verdict === 'valid' ? (
        <div className="disclosed">
          {typeof claims.picture === 'string' && claims.picture.startsWith('data:image/') ? (
            <img className="holder-photo" src={claims.picture} alt={t('photo')} />
          ) : null}
          <div>
            <h3>{t('disclosed')}</h3>
            <dl data-testid="disclosed">
              {names.map((name) => (
                <div key={name} className="claim-row" data-claim={name}>
                  <dt>{CLAIM_LABELS[lang][name]}</dt>
                  <dd>{show(claims[name])}</dd>
                </div>
              ))}
            </dl>
          </div>
        </div>
      ) : null}
      <button className="button" type="button" onClick={onNext}>
        {t('nextCheck')}
      </button>
    </section>
  );
}
