/**
 * The log-in page's script and style, served from /oidc/assets (CSP: script-src 'self'). Plain
 * browser JavaScript, no build step: start a Mobile ID session, show the QR (refreshed each
 * second by the status long poll) or the verification code, and continue once the phone answered.
 */
export const LOGIN_JS = `'use strict';
(function () {
  var data = JSON.parse(document.getElementById('login-data').textContent);
  var base = data.base;
  var texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var generation = 0;

  function show(id, visible) { $(id).hidden = !visible; }
  function status(text) { $('status').textContent = text || ''; }
  function fail(code) {
    generation++;
    status('');
    show('code-section', false);
    show('qr', false);
    $('error').textContent = texts.errors[code] || texts.errors.generic;
    show('error-section', true);
  }

  function start(body) {
    var mine = ++generation;
    show('error-section', false);
    show('code-section', false);
    show('qr', false);
    show('device-link', false);
    // A typed identifier replaces the QR flow; "try again" brings the QR back.
    show('qr-section', !body.identifier);
    status(texts.waiting);
    fetch(base + '/start', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (json) { return { ok: res.ok, json: json }; });
    }).then(function (r) {
      if (mine !== generation) return;
      if (!r.ok) return fail(r.json && r.json.error);
      if (r.json.verificationCode) {
        $('verification-code').textContent = r.json.verificationCode;
        show('code-section', true);
      }
      if (r.json.qr) showQr(r.json.qr);
      if (r.json.deviceLink) { $('device-link').href = r.json.deviceLink; show('device-link', true); }
      poll(mine);
    }).catch(function () { if (mine === generation) fail('generic'); });
  }

  function showQr(src) { $('qr').src = src; show('qr', true); }

  function poll(mine) {
    fetch(base + '/status', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (json) { return { ok: res.ok, json: json }; });
      })
      .then(function (r) {
        if (mine !== generation) return;
        if (!r.ok) return fail(r.json && r.json.error);
        var s = r.json;
        if (s.state === 'RUNNING') {
          if (s.qr) showQr(s.qr);
          return poll(mine);
        }
        if (s.endResult === 'OK' && s.next) {
          status(texts.done);
          window.location.assign(s.next);
          return;
        }
        fail(s.endResult);
      })
      .catch(function () { if (mine === generation) setTimeout(function () { poll(mine); }, 1000); });
  }

  $('identifier-form').addEventListener('submit', function (e) {
    e.preventDefault();
    start({ identifier: $('identifier').value.trim() });
  });
  $('retry').addEventListener('click', function () { start({}); });
  start({});
})();
`;

export const LOGIN_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 2rem 1rem; background: #f3f5f8; color: #1b1f24; }
@media (prefers-color-scheme: dark) { body { background: #111418; color: #e8eaed; } .card { background: #1b1f24 !important; } }
.card { max-width: 28rem; margin: 0 auto; background: #fff; border-radius: 12px; padding: 1.5rem 2rem; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.languages { font-size: .85rem; text-align: right; }
.note { color: #5f6b7a; font-size: .9rem; }
.claims { margin: .25rem 0 1rem; padding-left: 1.25rem; }
#qr { display: block; margin: .5rem auto; image-rendering: pixelated; background: #fff; padding: 8px; border-radius: 8px; }
#qr[hidden], [hidden] { display: none !important; }
label { display: block; font-size: .9rem; margin-bottom: .25rem; }
input { width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: .5rem; border: 1px solid #aab4c0; border-radius: 6px; }
button { font-size: 1rem; padding: .55rem 1rem; margin-top: .75rem; border-radius: 6px; border: 1px solid #aab4c0; background: transparent; color: inherit; cursor: pointer; }
button.primary { background: #0b5cad; border-color: #0b5cad; color: #fff; }
.code { font-size: 2.5rem; letter-spacing: .4rem; font-weight: 700; text-align: center; margin: .5rem 0; }
.status { min-height: 1.2rem; color: #5f6b7a; }
.error { color: #b3261e; font-weight: 600; }
.cancel { margin-top: 1.5rem; font-size: .9rem; }
.actions { display: flex; gap: .5rem; }
`;
