import { type FormEvent, useState } from 'react';
import { ApiProblem } from '../../ui/api.js';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { messages } from './messages.js';
import { type Enrolment, enrol } from './verifier-state.js';

/** First start: the operator's one-time enrolment code turns this browser into a verifier. */
export function Enrol({ onDone }: { onDone: (enrolment: Enrolment) => void }) {
  const t = useT(messages);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ title: string; detail?: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await enrol(code.trim()));
    } catch (e) {
      setError(
        e instanceof ApiProblem
          ? { title: e.title, ...(e.detail ? { detail: e.detail } : {}) }
          : { title: String(e) },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2>{t('enrolTitle')}</h2>
      <p>{t('enrolHelp')}</p>
      <form onSubmit={submit}>
        <label htmlFor="enrolment-code">{t('enrolCode')}</label>
        <input
          id="enrolment-code"
          name="enrolmentCode"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
          required
        />
        <button className="button" type="submit" disabled={busy || code.trim() === ''}>
          {busy ? t('enrolling') : t('enrolButton')}
        </button>
      </form>
      {error ? <ErrorNotice title={error.title} detail={error.detail} /> : null}
    </section>
  );
}
