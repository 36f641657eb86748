import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../../../ui/api.js';
import { useLanguage, useT } from '../../../ui/i18n.js';
import { ErrorNotice } from '../../../ui/layout.js';
import { useStaff } from '../session.js';
import { callCentreMessages } from './call-centre-messages.js';
import './call-centre.css';

/**
 * Call-centre confirmation (SPEC F19; docs/admin-api.md "Call-centre declarations"): the agent
 * prepares a declaration (text or PDF) for the caller, sends it to their phone, reads them the
 * verification code, waits for PIN2 and downloads the signed PDF. Talks to /admin/v1/declarations
 * with the console's staff session (the shell's `call`: cookie + X-CSRF-Token); the route table
 * lets only call-centre agents and operators open it.
 */
interface Declaration {
  declarationId: string;
  status: 'pending' | 'signed' | 'refused' | 'failed';
  endResult?: string;
  verificationCode?: string;
  title: string;
  createdAt: string;
}

const STATUS_KEY = {
  pending: 'statusPending',
  signed: 'statusSigned',
  refused: 'statusRefused',
  failed: 'statusFailed',
} as const;

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function CallCentre() {
  const t = useT(callCentreMessages);
  const { lang } = useLanguage();
  const { call } = useStaff();
  const [identifier, setIdentifier] = useState('');
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [mode, setMode] = useState<'text' | 'pdf'>('text');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [current, setCurrent] = useState<Declaration | undefined>();
  const [recent, setRecent] = useState<Declaration[]>([]);

  const loadRecent = useCallback(() => {
    call<{ declarations: Declaration[] }>('/admin/v1/declarations?limit=10').then(
      (r) => setRecent(r.declarations),
      () => {},
    );
  }, [call]);

  useEffect(() => {
    loadRecent();
  }, [loadRecent]);

  // Long-poll the running declaration until the phone answered.
  const currentId = current?.status === 'pending' ? current.declarationId : undefined;
  useEffect(() => {
    if (!currentId) return;
    let stopped = false;
    (async () => {
      while (!stopped) {
        try {
          const d = await call<Declaration>(`/admin/v1/declarations/${currentId}?timeoutMs=25000`);
          if (stopped) return;
          if (d.status !== 'pending') {
            setCurrent(d);
            loadRecent();
            return;
          }
        } catch (error) {
          if (!stopped && error instanceof ApiProblem) setProblem(error);
          return;
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, [currentId, loadRecent, call]);

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const who = identifier.trim();
      const body: Record<string, string> = {
        ...(who.startsWith('+') ? { phone: who } : { nationalId: who }),
        title: title.trim(),
        ...(summary.trim() ? { summary: summary.trim() } : {}),
      };
      if (mode === 'text') body.text = text;
      else if (file) body.pdf = base64Of(new Uint8Array(await file.arrayBuffer()));
      const created = await call<Declaration>('/admin/v1/declarations', {
        method: 'POST',
        json: body,
      });
      setCurrent(created);
      loadRecent();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'network', String(error)));
    } finally {
      setBusy(false);
    }
  }

  const result =
    current && current.status !== 'pending' ? (
      <div
        className={`notice ${current.status === 'signed' ? 'notice-ok' : 'notice-error'}`}
        role="status"
        data-testid="declaration-result"
      >
        <p>
          {current.status === 'signed'
            ? t('signed')
            : current.status === 'refused'
              ? t('refused')
              : t('failed', { reason: current.endResult ?? '' })}
        </p>
        <div className="row">
          {current.status === 'signed' ? (
            <a
              className="button"
              href={`/admin/v1/declarations/${current.declarationId}/document`}
              download
              data-testid="download"
            >
              {t('download')}
            </a>
          ) : null}
          <button type="button" className="secondary" onClick={() => setCurrent(undefined)}>
            {t('another')}
          </button>
        </div>
      </div>
    ) : null;

  return (
    <>
      <section className="card" data-testid="call-centre">
        <h2>{t('heading')}</h2>
        <p className="muted">{t('intro')}</p>
        {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
        {current?.status === 'pending' ? (
          <div aria-live="polite">
            <h3>{t('codeHeading')}</h3>
            <p className="cc-code" data-testid="verification-code">
              {current.verificationCode}
            </p>
            <p>{t('codeText')}</p>
            <p className="muted">{t('waiting')}</p>
          </div>
        ) : (
          (result ?? (
            <form onSubmit={send}>
              <label htmlFor="cc-identifier">{t('identifier')}</label>
              <input
                id="cc-identifier"
                value={identifier}
                onChange={(e) => setIdentifier(e.target.value)}
                required
                maxLength={40}
                autoComplete="off"
                spellCheck={false}
              />
              <label htmlFor="cc-title">{t('title')}</label>
              <input
                id="cc-title"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                required
                maxLength={120}
              />
              <label htmlFor="cc-summary">{t('summary')}</label>
              <input
                id="cc-summary"
                value={summary}
                onChange={(e) => setSummary(e.target.value)}
                maxLength={120}
              />
              <fieldset className="cc-modes">
                <legend>{t('content')}</legend>
                {(['text', 'pdf'] as const).map((m) => (
                  <label key={m}>
                    <input
                      type="radio"
                      name="cc-mode"
                      checked={mode === m}
                      onChange={() => setMode(m)}
                    />
                    {t(m === 'text' ? 'asText' : 'asPdf')}
                  </label>
                ))}
              </fieldset>
              {mode === 'text' ? (
                <>
                  <label htmlFor="cc-text">{t('text')}</label>
                  <textarea
                    id="cc-text"
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                    required
                    rows={8}
                    maxLength={20000}
                  />
                </>
              ) : (
                <>
                  <label htmlFor="cc-pdf">{t('pdf')}</label>
                  <input
                    id="cc-pdf"
                    type="file"
                    accept="application/pdf"
                    required
                    onChange={(e) => setFile(e.target.files?.[0])}
                  />
                </>
              )}
              <div className="row">
                <button type="submit" disabled={busy} data-testid="send">
                  {busy ? t('sending') : t('send')}
                </button>
              </div>
            </form>
          ))
        )}
      </section>
      <section className="card">
        <h2>{t('recent')}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t('none')}</p>
        ) : (
          <table data-testid="recent">
            <thead>
              <tr>
                <th>{t('title')}</th>
                <th>{t('status')}</th>
                <th>{t('created')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((d) => (
                <tr key={d.declarationId}>
                  <td>
                    {d.status === 'signed' ? (
                      <a href={`/admin/v1/declarations/${d.declarationId}/document`} download>
                        {d.title}
                      </a>
                    ) : (
                      d.title
                    )}
                  </td>
                  <td>{t(STATUS_KEY[d.status])}</td>
                  <td>{new Date(d.createdAt).toLocaleString(lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
