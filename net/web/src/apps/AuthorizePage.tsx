// /oauth/authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge&
// code_challenge_method=S256: asks the signed-in user whether the app may act for them with the
// requested scopes; Allow or Deny sends the browser to the app's redirect URI (the node checks
// that URI against the app's registration before answering).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { apiDescription, appInfo, decide, type AppInfo } from './api';
import type { AuthorizeRequest } from './routes';

export function AuthorizePage({ request }: { request: AuthorizeRequest }) {
  const session = useSession();
  const [app, setApp] = useState<AppInfo | null>(null);
  const [scopes, setScopes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Authorize an app · AeThex LIVE';
    appInfo(request.client_id)
      .then(setApp)
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Could not reach the server.'));
    apiDescription()
      .then((d) => setScopes(d.scopes))
      .catch(() => setScopes({}));
  }, [request.client_id]);

  if (!hasAccount(session)) {
    const here = window.location.pathname + window.location.search;
    return (
      <main class="apps-page" id="authorize-page">
        <h1 class="section-title">Authorize an app</h1>
        <p>
          <a href="/login">Log in</a>, then open this page again:
        </p>
        <p>
          <code>{here}</code>
        </p>
      </main>
    );
  }

  async function answer(allow: boolean) {
    setBusy(true);
    setError(null);
    try {
      const { response_type, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method } = request;
      const to = await decide(session!.token, { response_type: response_type || 'code', client_id, redirect_uri, scope, state, code_challenge, code_challenge_method }, allow);
      window.location.assign(to);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
      setBusy(false);
    }
  }

  const requested = request.scope.split(' ').filter((s) => s.length > 0);
  // The node checks it again; a URI the app did not register is never offered a redirect.
  const unknownRedirect = app !== null && !app.redirect_uris.includes(request.redirect_uri);
  return (
    <main class="apps-page" id="authorize-page">
      <section class="apps-card apps-consent">
        <h1 class="section-title">
          <span id="authorize-app-name">{app ? app.name : '…'}</span> wants to use your account
        </h1>
        {app && (
          <p class="muted">
            An app by {app.owner}. You are signed in as <strong>{session!.username}</strong>.
          </p>
        )}
        {unknownRedirect && (
          <p class="apps-error" role="alert" id="authorize-bad-redirect">
            This request names a redirect URI the app did not register; it cannot be authorized.
          </p>
        )}
        {error && (
          <p class="apps-error" role="alert" id="authorize-error">
            {error}
          </p>
        )}
        <h2>It asks to</h2>
        <ul id="authorize-scopes">
          {requested.length === 0 && <li>read your public profile only</li>}
          {requested.map((s) => (
            <li key={s} data-scope={s}>
              <code>{s}</code> — {scopes[s] ?? 'unknown scope'}
            </li>
          ))}
        </ul>
        <p class="muted">It will be sent to {request.redirect_uri}</p>
        <div class="apps-actions">
          <button type="button" class="btn btn-primary" id="authorize-allow" disabled={busy || !app || unknownRedirect} onClick={() => answer(true)}>
            Allow
          </button>
          <button type="button" class="btn" id="authorize-deny" disabled={busy || !app || unknownRedirect} onClick={() => answer(false)}>
            Deny
          </button>
        </div>
      </section>
    </main>
  );
}
