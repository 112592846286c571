// /admin: node-wide load per cluster member (GET /api/v1/admin/overview, every 5 s) and the
// newest emote uploads to take down (../emotes/AdminEmotes.tsx). Needs the node's admin token: the session's when signed in with it, else one pasted here and kept in
// sessionStorage for this tab.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { fetchAdminOverview, type AdminOverview, type NodeLoad } from '../analyticsApi';
import { useSession } from '../auth';
import { startPolling } from '../poll';
import { AdminEmotes } from '../emotes/AdminEmotes';

export const ADMIN_POLL_MS = 5000;
const TOKEN_KEY = 'aethex.admin';

function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function AdminPage() {
  const session = useSession();
  const [pasted, setPasted] = useState<string | null>(storedToken);
  useEffect(() => {
    document.title = 'Admin · AeThex LIVE';
  }, []);
  const token = session?.username === 'admin' ? session.token : pasted;
  const forget = () => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    setPasted(null);
  };
  return (
    <main class="dashboard" id="admin">
      <h1 class="section-title">Node overview</h1>
      {token ? (
        <>
          <Overview key={token} token={token} onRefused={session?.username === 'admin' ? undefined : forget} />
          <AdminEmotes key={`emotes:${token}`} token={token} />
        </>
      ) : (
        <TokenForm onToken={setPasted} />
      )}
    </main>
  );
}

function TokenForm({ onToken }: { onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <section class="dash-card">
      <form
        class="dash-form"
        id="admin-token-form"
        onSubmit={(e) => {
          e.preventDefault();
          const t = value.trim();
          if (!t) return;
          window.sessionStorage.setItem(TOKEN_KEY, t);
          onToken(t);
        }}
      >
        <label>
          Admin token <span class="muted">(DATA/admin.token on the node; kept for this tab only)</span>
          <input id="admin-token" type="password" autoComplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        </label>
        <div class="dash-row">
          <button class="btn btn-primary" type="submit" id="admin-token-submit">
            Open
          </button>
        </div>
      </form>
    </section>
  );
}

/** A figure, or "–" when the member did not answer. */
const cell = (f: (n: number) => string, v: number | null) => (v === null ? '–' : f(v));

const COLUMNS: [keyof NodeLoad, string, (n: number) => string][] = [
  ['live_channels', 'Live channels', String],
  ['viewers', 'Viewers', String],
  ['ingest_kbps', 'Ingest', (n) => `${(n / 1000).toFixed(1)} Mbit/s`],
  ['chat_messages_per_s', 'Chat messages/s', (n) => n.toFixed(1)],
];

function Overview({ token, onRefused }: { token: string; onRefused?: () => void }) {
  const [overview, setOverview] = useState<AdminOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => {
    const poller = startPolling(
      async (signal) => {
        const o = await fetchAdminOverview(token);
        if (signal.aborted) return;
        setOverview(o);
        setError(null);
        setAt(Date.now());
      },
      {
        intervalMs: ADMIN_POLL_MS,
        onError: (e) => {
          setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
          if (e instanceof ApiError && (e.status === 401 || e.status === 403)) onRefused?.();
        },
      },
    );
    return () => poller.stop();
  }, [token]);
  return (
    <section class="dash-card" id="admin-overview" data-state={overview ? 'ready' : 'loading'} data-members={overview?.members.length ?? 0}>
      <div class="dash-row card-head">
        <h2>Cluster members</h2>
        {at && <span class="muted">updated {new Date(at).toLocaleTimeString()} · every 5 s</span>}
      </div>
      {error && (
        <p class="form-error" role="alert" id="admin-error">
          {error}
        </p>
      )}
      {overview && (
        <table class="dash-table" id="admin-members">
          <thead>
            <tr>
              <th scope="col">Node</th>
              {COLUMNS.map(([k, label]) => (
                <th scope="col" key={k}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {overview.members.map((m) => (
              <tr key={m.node} data-testid="admin-member" data-node={m.node} data-answered={String(m.answered)}>
                <th scope="row">
                  {m.node}
                  {!m.answered && <span class="muted"> (no answer)</span>}
                </th>
                {COLUMNS.map(([k, , f]) => (
                  <td key={k} data-col={k}>
                    {cell(f, m[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="admin-totals">
              <th scope="row">All nodes</th>
              {COLUMNS.map(([k, , f]) => (
                <td key={k} data-col={k}>
                  {cell(f, overview.totals[k])}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
