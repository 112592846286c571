#!/usr/bin/env node
// OAuth 2.0 with PKCE in headless Chromium against a real node (tests/e2e/browser_oauth.test.cpp):
// a signed-up user logs in, registers an app on /developers (the secret shown once), opens the
// app's authorize URL, clicks Allow and lands on the redirect URI with code and state; the
// "app" (this script) exchanges the code with the right verifier for a token that works on a
// scoped route. Then the documented errors: a reused code and a wrong verifier (invalid_grant),
// a route outside the token's scopes (403 insufficient_scope), Deny (error=access_denied), the
// app's rate limit (RateLimit-* headers, 429 + Retry-After), and, after the node's test clock
// moved 4 h on, the expired token (401). On the chat WebSocket the token joins a room but may
// not send without chat:write. Last, /developers/api lists the token endpoint.
// Usage: node tests/e2e/browser/oauth.mjs --url BASE --user NAME --password PW --admin TOKEN
//          --out DIR [--timeout 30]
// Prints one JSON line of checks; tokens and secrets are never printed.
import crypto from 'node:crypto';
import path from 'node:path';
import { fail, openPage, report, scriptArgs } from './lib.mjs';

const USAGE = 'usage: oauth.mjs --url BASE --user NAME --password PW --admin TOKEN --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, { options: ['url', 'user', 'password', 'admin'], required: ['url', 'user', 'password', 'admin'] });
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const redirectUri = `${base}/oauth-landing`;

const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const newVerifier = () => b64url(crypto.randomBytes(32));
const challengeOf = (v) => b64url(crypto.createHash('sha256').update(v).digest());

async function call(method, url, { token, form, json, basic } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (basic) headers.Authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  let body;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  } else if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const res = await fetch(`${base}${url}`, { method, headers, body });
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
}

let session;
try {
  session = await openPage(`${base}/login`, { timeoutMs });
} catch (e) {
  fail(`could not open ${base}/login: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;
const checks = {};
const fields = {};
let step = 'logging in';
try {
  await page.fill('#login-username', args.user);
  await page.fill('#login-password', args.password);
  await page.click('#login-submit');
  await page.waitForURL(/\/dashboard$/, { timeout: timeoutMs });

  step = 'registering an app on /developers';
  await page.goto(`${base}/developers`, { waitUntil: 'domcontentloaded' });
  await page.fill('#app-name', 'Stream Deck Plus');
  await page.fill('#app-redirect-uris', redirectUri);
  await page.click('#app-register button[type=submit]');
  await page.locator('#app-secret-value').waitFor({ state: 'visible' });
  const clientId = (await page.textContent('#app-secret-client-id')).trim();
  const secret = (await page.textContent('#app-secret-value')).trim();
  checks.secret_shown_once = secret.startsWith('aexs_');
  await page.locator(`#my-apps li[data-client-id="${clientId}"]`).waitFor({ state: 'visible' });
  await page.click('#app-secret button');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.locator(`#my-apps li[data-client-id="${clientId}"]`).waitFor({ state: 'visible' });
  checks.secret_gone_after_reload = (await page.locator('#app-secret-value').count()) === 0;
  await page.screenshot({ path: path.join(args.out, 'oauth-developers.png'), fullPage: true });

  const authorizeUrl = (scope, state, verifier) =>
    `${base}/oauth/authorize?` +
    new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope,
      state,
      code_challenge: challengeOf(verifier),
      code_challenge_method: 'S256',
    }).toString();
  // Consent in the browser; the code from the page the browser lands on.
  async function consent(scope, state, verifier, button = '#authorize-allow') {
    await page.goto(authorizeUrl(scope, state, verifier), { waitUntil: 'domcontentloaded' });
    await page.locator('#authorize-app-name', { hasText: 'Stream Deck Plus' }).waitFor();
    const shown = await page.locator('#authorize-scopes li').evaluateAll((lis) => lis.map((l) => l.dataset.scope));
    await page.click(button);
    await page.waitForURL((u) => u.toString().startsWith(redirectUri), { timeout: timeoutMs });
    return { landed: new URL(page.url()), shown };
  }

  step = 'consenting (Allow)';
  const verifier = newVerifier();
  const first = await consent('user:read', 'state-1 ok', verifier);
  await page.screenshot({ path: path.join(args.out, 'oauth-landing.png') });
  const code = first.landed.searchParams.get('code') ?? '';
  checks.consent_lists_scopes = JSON.stringify(first.shown) === '["user:read"]';
  checks.redirect_has_code_and_state = /^[0-9a-f]{64}$/.test(code) && first.landed.searchParams.get('state') === 'state-1 ok';

  step = 'exchanging the code';
  const exchange = (c, v) =>
    call('POST', '/api/v1/oauth/token', { basic: [clientId, secret], form: { grant_type: 'authorization_code', code: c, code_verifier: v, redirect_uri: redirectUri } });
  const tokens = await exchange(code, verifier);
  checks.token_issued = tokens.status === 200 && tokens.body?.token_type === 'Bearer' && tokens.body?.scope === 'user:read' && !!tokens.body?.refresh_token;
  const access = tokens.body?.access_token ?? '';
  const me = await call('GET', '/api/v1/me', { token: access });
  checks.token_works_on_scoped_route = me.status === 200 && me.body?.username === args.user;
  checks.ratelimit_headers = me.headers.get('ratelimit-limit') === '600' && Number(me.headers.get('ratelimit-remaining')) < 600 && Number(me.headers.get('ratelimit-reset')) > 0;
  fields.ratelimit = { limit: me.headers.get('ratelimit-limit'), remaining: me.headers.get('ratelimit-remaining'), reset: me.headers.get('ratelimit-reset') };

  step = 'reusing the code';
  const reused = await exchange(code, verifier);
  checks.reused_code_invalid_grant = reused.status === 400 && reused.body?.error === 'invalid_grant';

  step = 'a wrong verifier';
  const second = await consent('user:read', 'state-2', newVerifier());
  const wrong = await exchange(second.landed.searchParams.get('code') ?? '', newVerifier());
  checks.wrong_verifier_invalid_grant = wrong.status === 400 && wrong.body?.error === 'invalid_grant';

  step = 'routes outside the scope';
  const patch = await call('PATCH', '/api/v1/me', { token: access, json: { bio: 'set by an app' } });
  const analytics = await call('GET', `/api/v1/channels/${args.user}/analytics`, { token: access });
  checks.missing_scope_403 =
    patch.status === 403 && patch.body?.error?.code === 'insufficient_scope' && analytics.status === 403 && analytics.body?.error?.code === 'insufficient_scope';

  step = 'chat over the WebSocket';
  // The token has user:read only: it may join and read a room, not send.
  const chat = await page.evaluate(
    ([token, channel]) =>
      new Promise((resolve) => {
        const seen = { auth: false, joined: false, sendCode: null };
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        const done = () => {
          ws.close();
          resolve(seen);
        };
        setTimeout(done, 8000);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token, ref: 'a' }));
        ws.onmessage = (ev) => {
          const f = JSON.parse(ev.data);
          if (f.type === 'auth_ok') {
            seen.auth = true;
            ws.send(JSON.stringify({ type: 'join', channel, ref: 'j' }));
          } else if (f.type === 'joined') {
            seen.joined = true;
            ws.send(JSON.stringify({ type: 'send', text: 'hello from an app', ref: 's' }));
          } else if (f.ref === 's') {
            seen.sendCode = f.code ?? f.type;
            done();
          }
        };
      }),
    [access, args.user],
  );
  checks.ws_reads_without_chat_write = chat.auth && chat.joined;
  checks.ws_send_needs_chat_write = chat.sendCode === 'insufficient_scope';

  step = 'denying';
  const denied = await consent('chat:write', 'state-3', newVerifier(), '#authorize-deny');
  checks.deny_redirects_access_denied = denied.landed.searchParams.get('error') === 'access_denied' && denied.landed.searchParams.get('state') === 'state-3';

  step = 'introspection';
  const info = await call('POST', '/api/v1/oauth/introspect', { basic: [clientId, secret], form: { token: access } });
  checks.introspect_active = info.status === 200 && info.body?.active === true && info.body?.username === args.user;

  step = 'the rate limit';
  let limited = null;
  let sent = 1;
  while (!limited && sent < 700) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${access}` } })));
    sent += batch.length;
    limited = batch.find((r) => r.status === 429) ?? null;
  }
  checks.rate_limited_429 = !!limited && Number(limited.headers.get('retry-after')) > 0 && limited.headers.get('ratelimit-remaining') === '0';
  fields.requests_until_429 = sent;

  step = 'expiry on the test clock';
  const moved = await call('POST', '/api/v1/admin/test-clock', { token: args.admin, json: { advance_s: 4 * 3600 + 60 } });
  const expired = await call('GET', '/api/v1/me', { token: access });
  checks.expired_token_401 = moved.status < 300 && expired.status === 401;

  step = 'the API reference page';
  await page.goto(`${base}/developers/api`, { waitUntil: 'domcontentloaded' });
  await page.locator('tr[data-op="POST /oauth/token"]').waitFor({ state: 'visible' });
  const meScope = await page.textContent('tr[data-op="GET /me"] td:last-child');
  checks.docs_page_lists_routes = meScope?.trim() === 'user:read';
  await page.screenshot({ path: path.join(args.out, 'oauth-api-docs.png'), fullPage: false });
  fields.page_errors = errors.length;
} catch (e) {
  await page.screenshot({ path: path.join(args.out, 'oauth-failure.png') }).catch(() => {});
  fail(`${step}: ${e.message}`, { checks, errors });
  await browser.close();
  process.exit(1);
}
await browser.close();
report(checks, fields, errors);
