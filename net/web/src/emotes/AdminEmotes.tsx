// /admin: the newest emote uploads of every channel (GET /api/v1/admin/emotes), each with a
// "Take down" that asks for the reason (it goes to the channel's emote log) before it acts.
// Emotes are post-moderated: this list is where the operator looks.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useAlive } from '../components/useAlive';
import { fetchAdminEmotes, formatKib, takedownEmote, type AdminEmote } from '../chat/customEmotes';
import { formatDate } from '../format';
import './emotes.css';

export const ADMIN_EMOTES_LIMIT = 50;
const REASON_MAX = 200;

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');
const keyOf = (e: AdminEmote) => `${e.channel}/${e.code}`;

export function AdminEmotes({ token }: { token: string }) {
  const [emotes, setEmotes] = useState<AdminEmote[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The emote whose reason is being written. */
  const [open, setOpen] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const alive = useAlive();
  const reasonInput = useRef<HTMLInputElement>(null);
  useEffect(() => reasonInput.current?.focus(), [open]);

  useEffect(() => {
    fetchAdminEmotes(token, ADMIN_EMOTES_LIMIT)
      .then((list) => {
        if (!alive.current) return;
        setEmotes(list);
        setError(null);
      })
      .catch((e) => alive.current && setError(errorText(e)));
  }, [token, version]);

  const takeDown = async (e: AdminEmote, ev: Event) => {
    ev.preventDefault();
    const why = reason.trim();
    if (!why) return setError('Give the reason: the channel sees it in its emote log.');
    setBusy(true);
    setError(null);
    try {
      await takedownEmote(token, e.channel, e.code, why);
      if (!alive.current) return;
      setEmotes((list) => list?.filter((x) => keyOf(x) !== keyOf(e)) ?? null);
      setOpen(null);
      setReason('');
      setDone(`Took down :${e.code}: of ${e.channel}.`);
    } catch (err) {
      if (alive.current) setError(errorText(err));
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  return (
    <section class="dash-card" id="admin-emotes" data-state={emotes ? 'ready' : 'loading'} data-count={emotes?.length ?? 0}>
      <div class="dash-row card-head">
        <h2>Emotes</h2>
        <button type="button" class="btn btn-small" data-testid="admin-emotes-refresh" onClick={() => setVersion((v) => v + 1)}>
          Refresh
        </button>
      </div>
      <p class="muted">The newest uploads of every channel. Uploads are usable at once; take down what breaks the node's rules.</p>
      {error && (
        <p class="form-error" role="alert" data-testid="admin-emotes-error">
          {error}
        </p>
      )}
      {done && (
        <p class="form-ok" role="status" data-testid="admin-emotes-done">
          {done}
        </p>
      )}
      {emotes && emotes.length === 0 && <p class="muted">No emotes uploaded.</p>}
      {emotes && emotes.length > 0 && (
        <table class="dash-table emote-table" id="admin-emote-list">
          <thead>
            <tr>
              <th scope="col">Emote</th>
              <th scope="col">Channel</th>
              <th scope="col">Code</th>
              <th scope="col">Added by</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {emotes.map((e) => {
              const k = keyOf(e);
              return (
                <tr key={k} data-testid="admin-emote" data-channel={e.channel} data-code={e.code}>
                  <td>
                    <img class="emote-thumb" src={e.url} alt={`:${e.code}:`} width={28} height={28} loading="lazy" />
                  </td>
                  <td>
                    <a href={`/c/${encodeURIComponent(e.channel)}`}>{e.channel}</a>
                  </td>
                  <th scope="row">
                    <code>:{e.code}:</code>
                  </th>
                  <td>
                    {e.added_by || '–'}
                    {e.added_at_ms > 0 && <span class="muted"> · {formatDate(e.added_at_ms)}</span>}
                  </td>
                  <td>
                    {formatKib(e.bytes)} <span class="muted">· {e.format.toUpperCase()}</span>
                  </td>
                  <td>
                    {open === k ? (
                      <form class="emote-takedown-form" onSubmit={(ev) => void takeDown(e, ev)}>
                        <input
                          data-testid="admin-emote-reason"
                          aria-label={`Why :${e.code}: of ${e.channel} is taken down`}
                          placeholder="Reason"
                          maxLength={REASON_MAX}
                          value={reason}
                          onInput={(ev) => setReason((ev.target as HTMLInputElement).value)}
                          ref={reasonInput}
                        />
                        <button type="submit" class="btn btn-small btn-danger" data-testid="admin-emote-confirm" disabled={busy || !reason.trim()}>
                          Take down
                        </button>
                        <button type="button" class="btn btn-small" onClick={() => setOpen(null)}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      <button
                        type="button"
                        class="btn btn-small"
                        data-testid="admin-emote-takedown"
                        aria-label={`Take down :${e.code}: of ${e.channel}`}
                        disabled={busy}
                        onClick={() => {
                          setOpen(k);
                          setReason('');
                          setDone(null);
                        }}
                      >
                        Take down
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
