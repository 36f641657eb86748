import { useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { messages } from './messages.js';
import { type ClientJson, useDeveloper } from './session.js';

function Snippet({ code, label }: { code: string; label: string }) {
  const t = useT(messages);
  const [copied, setCopied] = useState(false);
  return (
    <div className="snippet">
      <div className="row">
        <strong>{label}</strong>
        <button
          type="button"
          className="secondary small"
          onClick={() =>
            void navigator.clipboard?.writeText(code).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('copied') : t('copy')}
        </button>
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** The integration guide's copy-paste examples, with the developer's own client filled in. */
export function Guide() {
  const t = useT(messages);
  const { call } = useDeveloper();
  const [clients, setClients] = useState<ClientJson[]>([]);
  const [chosen, setChosen] = useState<string>('');
  useEffect(() => {
    void call<{ clients: ClientJson[] }>('/developers/v1/clients').then((r) => {
      setClients(r.clients);
      setChosen(r.clients[0]?.client_id ?? '');
    });
  }, [call]);
  const client = clients.find((c) => c.client_id === chosen);
  const origin = window.location.origin;
  const id = client?.client_id ?? 'YOUR_CLIENT_ID';
  const redirect = client?.redirect_uris?.[0] ?? 'https://your.app/callback';
  const claims = (client?.allowed_claims ?? []).filter((c) =>
    ['given_name', 'family_name', 'birthdate', 'age_over_18', 'national_id'].includes(c),
  );
  const scope = [
    'openid',
    ...(claims.some((c) => ['given_name', 'family_name', 'birthdate'].includes(c))
      ? ['profile']
      : []),
    ...(claims.includes('age_over_18') ? ['age_over_18'] : []),
    ...(claims.includes('national_id') ? ['national_id'] : []),
  ].join(' ');

  const oidcJs = `import * as oidc from 'openid-client';

const config = await oidc.discovery(
  new URL('${origin}'),
  '${id}',
  undefined,
  oidc.ClientSecretBasic(process.env.CLIENT_SECRET),
  ${origin.startsWith('http:') ? '{ execute: [oidc.allowInsecureRequests] }, // the sandbox runs on http' : '{},'}
);

// 1. Log-in: keep verifier, state and nonce in the user's session.
const verifier = oidc.randomPKCECodeVerifier();
const state = oidc.randomState();
const nonce = oidc.randomNonce();
const url = oidc.buildAuthorizationUrl(config, {
  redirect_uri: '${redirect}',
  scope: '${scope}',
  code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
});

// 2. Callback: exchange the code (state, nonce, PKCE and the ID token are checked).
const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
});
const { sub, acr } = tokens.claims(); // pairwise subject, level of assurance
// 3. The claims the person approved on the phone:
const person = await oidc.fetchUserInfo(config, tokens.access_token, sub);`;

  const restAuth = `export CLIENT_ID='${id}' CLIENT_SECRET='…'
curl -u "$CLIENT_ID:$CLIENT_SECRET" -H 'content-type: application/json' \\
  -d '{"subject":{"nationalId":"PNOAZ-9000020"},"hash":"'$(head -c32 /dev/urandom | base64)'","hashType":"SHA256"}' \\
  ${origin}/rp/v1/authentication
# → {"sessionId": …, "verificationCode": …}; approve it in the device simulator, then:
curl -u "$CLIENT_ID:$CLIENT_SECRET" '${origin}/rp/v1/sessions/SESSION_ID?timeoutMs=5000'`;

  return (
    <section className="card guide">
      <h2>{t('navGuide')}</h2>
      <p>{t('guideIntro')}</p>
      {clients.length > 1 ? (
        <p>
          <label htmlFor="g-client">{t('guideClient')}</label>
          <select id="g-client" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {clients.map((c) => (
              <option key={c.client_id} value={c.client_id}>
                {c.client_name}
              </option>
            ))}
          </select>
        </p>
      ) : null}
      <Snippet label={t('guideDiscovery')} code={`${origin}/.well-known/openid-configuration`} />
      <Snippet label={t('guideOidc')} code={oidcJs} />
      <Snippet label={t('guideRest')} code={restAuth} />
      <p className="muted">{t('guideMore')}</p>
    </section>
  );
}
