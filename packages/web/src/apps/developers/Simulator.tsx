import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../../ui/api.js';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { messages } from './messages.js';
import { useDeveloper } from './session.js';

interface SimRequest {
  nationalId: string;
  sessionId: string;
  type: string;
  clientId: string;
  rpName: string;
  verificationCode?: string;
  vcChoices?: string[];
  claims: string[];
  displayText?: string;
}

function RequestCard({ request, onDone }: { request: SimRequest; onDone: () => void }) {
  const t = useT(messages);
  const { call } = useDeveloper();
  const [claims, setClaims] = useState<string[]>(request.claims);
  const [picked, setPicked] = useState<string | undefined>(request.verificationCode);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const answer = async (decision: 'approve' | 'refuse') => {
    setProblem(undefined);
    try {
      await call(`/developers/v1/simulator/requests/${encodeURIComponent(request.sessionId)}`, {
        method: 'POST',
        json: {
          decision,
          ...(decision === 'approve' ? { approvedClaims: claims } : {}),
          ...(decision === 'approve' && request.vcChoices && picked ? { pickedCode: picked } : {}),
        },
      });
      onDone();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  };
  return (
    <section className="card sim-phone" data-testid="sim-request">
      <p className="muted">
        {request.nationalId} · {t(request.type === 'auth' ? 'simAuth' : 'simSign')}
      </p>
      <h2>{request.rpName}</h2>
      {request.displayText ? <p>{request.displayText}</p> : null}
      {request.vcChoices ? (
        <div className="row" role="radiogroup" aria-label={t('simPickCode')}>
          {request.vcChoices.map((c) => (
            <button
              key={c}
              type="button"
              className={picked === c ? '' : 'secondary'}
              onClick={() => setPicked(c)}
            >
              {c}
            </button>
          ))}
        </div>
      ) : (
        <p className="sim-code" data-testid="sim-code">
          {request.verificationCode}
        </p>
      )}
      {request.claims.length > 0 ? (
        <fieldset className="claims">
          <legend>{t('simClaims')}</legend>
          {request.claims.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={claims.includes(c)}
                onChange={(e) =>
                  setClaims(e.target.checked ? [...claims, c] : claims.filter((x) => x !== c))
                }
              />
              <span className="code">{c}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      <div className="row">
        <button type="button" onClick={() => void answer('approve')} data-testid="sim-approve">
          {t('simApprove')}
        </button>
        <button type="button" className="danger" onClick={() => void answer('refuse')}>
          {t('simRefuse')}
        </button>
      </div>
    </section>
  );
}

/**
 * The browser's device simulator: requests your clients send to the hand-answered sandbox person
 * (PNOAZ-9000020) appear here; approve or refuse them as the phone would (real keys, server-side).
 */
export function Simulator() {
  const t = useT(messages);
  const { call } = useDeveloper();
  const [requests, setRequests] = useState<SimRequest[]>([]);
  const refresh = useCallback(async () => {
    const r = await call<{ requests: SimRequest[] }>('/developers/v1/simulator/requests').catch(
      () => undefined,
    );
    if (r) setRequests(r.requests);
  }, [call]);
  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), 1500);
    return () => window.clearInterval(timer);
  }, [refresh]);
  return (
    <>
      <section className="card">
        <h2>{t('navSimulator')}</h2>
        <p className="muted">{t('simIntro')}</p>
        {requests.length === 0 ? (
          <p className="muted" data-testid="sim-empty">
            {t('simEmpty')}
          </p>
        ) : null}
      </section>
      {requests.map((r) => (
        <RequestCard key={r.sessionId} request={r} onDone={() => void refresh()} />
      ))}
    </>
  );
}
