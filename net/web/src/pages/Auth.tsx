import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { login, signup } from '../accountApi';
import { saveSession } from '../auth';
import { navigate } from '../router';
import '../account.css';

type Mode = 'signup' | 'login';

const USERNAME_RE = /^[a-z0-9_]{3,25}$/;

/** Client-side checks mirroring the server's, so most mistakes are caught before a round trip. */
export function authProblem(mode: Mode, username: string, password: string): string | null {
  if (!USERNAME_RE.test(username)) return 'Usernames are 3–25 characters of a–z, 0–9 and _.';
  const bytes = new TextEncoder().encode(password).length;
  if (mode === 'signup' && (bytes < 8 || bytes > 256)) return 'Passwords are 8–256 bytes long.';
  if (bytes === 0) return 'Enter your password.';
  return null;
}

export function AuthPage({ mode }: { mode: Mode }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${mode === 'signup' ? 'Sign up' : 'Log in'} · AeThex LIVE`;
  }, [mode]);

  async function submit(ev: Event) {
    ev.preventDefault();
    const name = username.trim().toLowerCase();
    const problem = authProblem(mode, name, password);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const res = mode === 'signup' ? await signup(name, password, email.trim() || undefined) : await login(name, password);
      saveSession({ token: res.token, username: res.user.username });
      navigate('/dashboard');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
    } finally {
      setBusy(false);
    }
  }

  const p = mode; // id prefix: signup-… / login-…
  return (
    <main class="account-page">
      <form class="account-card" id={`${p}-form`} onSubmit={submit} noValidate>
        <h1 class="section-title">{mode === 'signup' ? 'Create your account' : 'Log in to AeThex LIVE'}</h1>
        <label>
          Username
          <input
            id={`${p}-username`}
            name="username"
            autocomplete="username"
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            required
          />
        </label>
        <label>
          Password
          <input
            id={`${p}-password`}
            name="password"
            type="password"
            autocomplete={mode === 'signup' ? 'new-password' : 'current-password'}
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            required
          />
        </label>
        {mode === 'signup' && (
          <label>
            Email <span class="muted">(optional)</span>
            <input
              id="signup-email"
              name="email"
              type="email"
              autocomplete="email"
              value={email}
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        {error && (
          <p class="form-error" id="auth-error" role="alert">
            {error}
          </p>
        )}
        <button class="btn btn-primary" id={`${p}-submit`} type="submit" disabled={busy}>
          {mode === 'signup' ? 'Sign up' : 'Log in'}
        </button>
        <p class="muted">
          {mode === 'signup' ? (
            <>
              Already have an account? <a href="/login">Log in</a>
            </>
          ) : (
            <>
              New here? <a href="/signup">Create an account</a>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
