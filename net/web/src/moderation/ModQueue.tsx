// AutoMod's queue of held messages, oldest first, with Approve / Deny. New items appear as the
// room pushes them (`automod_held` frames to the moderators in the room) and go when any
// moderator decides (`automod_resolved`); the queue is also read again every 15 s and after
// every reconnect.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../engagement/api';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { fetchQueue, reviewHeld } from './api';
import { addHeld, mergeQueue, parseHeldFrame, parseResolvedFrame, type HeldItem } from './model';
import { UserName } from './UserCard';

export const QUEUE_REFETCH_MS = 15_000;

export function ModQueue({ channel, token, onOpenUser, onDecided }: { channel: string; token: string; onOpenUser: (u: string) => void; onDecided: () => void }) {
  const [items, setItems] = useState<HeldItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [epoch, setEpoch] = useState(0);
  const decided = useRef(new Set<number>());

  useEffect(() => {
    let current = true;
    const read = () =>
      fetchQueue(token, channel)
        .then((q) => {
          if (!current) return;
          setItems((cur) => mergeQueue(cur ?? [], q, decided.current));
          setError(null);
        })
        .catch((e) => current && setError(errorText(e)));
    void read();
    const t = setInterval(() => void read(), QUEUE_REFETCH_MS);
    return () => {
      current = false;
      clearInterval(t);
    };
  }, [channel, token, epoch]);

  useRoomFrames(
    channel,
    (f) => {
      const item = parseHeldFrame(f);
      if (item) setItems((cur) => addHeld(cur ?? [], item, decided.current));
      // Decided by a moderator (maybe another one): it leaves the queue at once.
      const resolved = parseResolvedFrame(f);
      if (resolved !== null) {
        decided.current.add(resolved);
        setItems((cur) => (cur ?? []).filter((i) => i.id !== resolved));
        onDecided();
      }
    },
    () => setEpoch((n) => n + 1),
  );

  async function review(item: HeldItem, action: 'approve' | 'deny') {
    setBusy(item.id);
    setError(null);
    try {
      await reviewHeld(token, channel, item.id, action);
      decided.current.add(item.id);
      setItems((cur) => (cur ?? []).filter((i) => i.id !== item.id));
      onDecided();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="dash-card mod-panel" id="mod-queue" data-state={items ? 'ready' : error ? 'error' : 'loading'} data-count={items?.length ?? 0} aria-labelledby="mod-queue-title">
      <h2 id="mod-queue-title">
        AutoMod queue {items && items.length > 0 && <span class="mod-count">{items.length}</span>}
      </h2>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {items?.length === 0 && (
        <p class="muted" data-testid="mod-queue-empty">
          Nothing is waiting for review.
        </p>
      )}
      <ul class="mod-list" aria-live="polite">
        {items?.map((i) => (
          <li key={i.id} class="mod-item" data-testid="held-item" data-id={i.id} data-user={i.user}>
            <div class="mod-item-main">
              <UserName user={i.user} onOpen={onOpenUser} />
              <span class="mod-text">{i.text}</span>
            </div>
            <div class="mod-item-meta muted">
              {i.category || 'held'}
              {i.level ? ` · level ${i.level}` : ''} · {new Date(i.ts).toLocaleTimeString()}
            </div>
            <div class="mod-item-actions">
              <button type="button" class="btn btn-small btn-primary" data-testid="held-approve" disabled={busy === i.id} onClick={() => review(i, 'approve')}>
                Approve
              </button>
              <button type="button" class="btn btn-small btn-danger" data-testid="held-deny" disabled={busy === i.id} onClick={() => review(i, 'deny')}>
                Deny
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
