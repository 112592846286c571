// /developers: the signed-in user's OAuth apps — register (name + redirect URIs), list, rotate
// the secret, delete. A secret is shown once, right after registration or rotation.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { deleteApp, myApps, registerApp, rotateSecret, type AppInfo, type AppWithSecret } from './api';

const message = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function DevelopersPage() {
  const session = useSession();
  const [apps, setApps] = useState<AppInfo[] | null>(null);
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  const [secret, setSecret] = useState<AppWithSecret | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = hasAccount(session) ? session.token : null;

  useEffect(() => {
    document.title = 'Developers · AeThex LIVE';
  }, []);
  async function reload(t: string) {
    try {
      setApps(await myApps(t));
    } catch (e) {
      setError(message(e));
    }
  }
  useEffect(() => {
    if (token) void reload(token);
  }, [token]);

  if (!token)
    return (
      <main class="apps-page" id="developers-page">
        <h1 class="section-title">Developers</h1>
        <p class="muted">
          <a href="/login">Log in</a> to register apps that use the <a href="/developers/api">AeThex LIVE API</a>.
        </p>
      </main>
    );

  async function submit(ev: Event) {
    ev.preventDefault();
    setError(null);
    try {
      const list = uris.split(/\s+/).filter((u) => u.length > 0);
      setSecret(await registerApp(token!, name.trim(), list));
      setName('');
      setUris('');
      await reload(token!);
    } catch (e) {
      setError(message(e));
    }
  }
  async function rotate(app: AppInfo) {
    setError(null);
    try {
      setSecret(await rotateSecret(token!, app.client_id));
    } catch (e) {
      setError(message(e));
    }
  }
  async function remove(app: AppInfo) {
    if (!window.confirm(`Delete ${app.name}? Every token it holds stops working.`)) return;
    setError(null);
    try {
      await deleteApp(token!, app.client_id);
      if (secret?.client_id === app.client_id) setSecret(null);
      await reload(token!);
    } catch (e) {
      setError(message(e));
    }
  }

  return (
    <main class="apps-page" id="developers-page">
      <h1 class="section-title">Developers</h1>
      <p class="muted">
        Apps sign users in with OAuth 2.0 (authorization code with PKCE) or act for themselves (client credentials). See the{' '}
        <a href="/developers/api">API reference</a>.
      </p>
      {error && (
        <p class="apps-error" role="alert">
          {error}
        </p>
      )}
      {secret && (
        <section class="apps-card apps-secret" id="app-secret" aria-live="polite">
          <h2>Client secret of {secret.name}</h2>
          <p>Copy it now: it is shown only this once.</p>
          <dl>
            <dt>client_id</dt>
            <dd>
              <code id="app-secret-client-id">{secret.client_id}</code>
            </dd>
            <dt>client_secret</dt>
            <dd>
              <code id="app-secret-value">{secret.client_secret}</code>
            </dd>
          </dl>
          <button type="button" class="btn" onClick={() => setSecret(null)}>
            Done
          </button>
        </section>
      )}
      <form class="apps-card" id="app-register" onSubmit={submit}>
        <h2>Register an app</h2>
        <label>
          Name
          <input id="app-name" value={name} maxLength={50} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>
        <label>
          Redirect URIs (one per line; https, or http on 127.0.0.1/localhost)
          <textarea id="app-redirect-uris" rows={3} value={uris} onInput={(e) => setUris(e.currentTarget.value)} required />
        </label>
        <button type="submit" class="btn btn-primary">
          Register
        </button>
      </form>
      <section class="apps-card">
        <h2>Your apps</h2>
        {apps && apps.length === 0 && <p class="muted">No apps yet.</p>}
        <ul class="apps-list" id="my-apps">
          {(apps ?? []).map((a) => (
            <li key={a.client_id} data-client-id={a.client_id}>
              <strong>{a.name}</strong> <code>{a.client_id}</code>
              <div class="muted">{a.redirect_uris.join(' · ')}</div>
              <button type="button" class="btn app-rotate" onClick={() => rotate(a)}>
                New secret
              </button>{' '}
              <button type="button" class="btn app-delete" onClick={() => remove(a)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
