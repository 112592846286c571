// Unban requests: pending ones first with Accept (unbans) / Deny, then the decided ones.
import { useState } from 'preact/hooks';
import { errorText } from '../engagement/api';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { decideUnban, fetchUnbanRequests } from './api';
import { UserName } from './UserCard';
import { usePolled } from './usePolled';

export function UnbanRequests({ channel, token, onOpenUser, onDecided }: { channel: string; token: string; onOpenUser: (u: string) => void; onDecided: () => void }) {
  const requests = usePolled(() => fetchUnbanRequests(token, channel), 30_000, [channel, token]);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A new request reaches the moderators in the room as an `unban_request` frame.
  useRoomFrames(channel, (f) => f.type === 'unban_request' && requests.reload());
  const list = [...(requests.data ?? [])].sort((a, b) => Number(a.status !== 'pending') - Number(b.status !== 'pending') || b.at_ms - a.at_ms);

  async function decide(id: number, action: 'accept' | 'deny') {
    setBusy(id);
    setError(null);
    try {
      await decideUnban(token, channel, id, action);
      requests.reload();
      onDecided();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  const pending = list.filter((r) => r.status === 'pending').length;
  return (
    <section class="dash-card mod-panel" id="unban-requests" data-state={requests.data ? 'ready' : 'loading'} data-pending={pending} aria-labelledby="unban-title">
      <h2 id="unban-title">Unban requests {pending > 0 && <span class="mod-count">{pending}</span>}</h2>
      {(error ?? requests.error) && <p class="form-error">{error ?? requests.error}</p>}
      {requests.data?.length === 0 && <p class="muted">No requests.</p>}
      <ul class="mod-list">
        {list.map((r) => (
          <li key={r.id} class="mod-item" data-testid="unban-request" data-id={r.id} data-status={r.status}>
            <div class="mod-item-main">
              <UserName user={r.user} onOpen={onOpenUser} />
              <span class="mod-text">{r.text}</span>
            </div>
            {r.status === 'pending' ? (
              <div class="mod-item-actions">
                <button type="button" class="btn btn-small btn-primary" data-testid="unban-accept" disabled={busy === r.id} onClick={() => decide(r.id, 'accept')}>
                  Accept
                </button>
                <button type="button" class="btn btn-small btn-danger" data-testid="unban-deny" disabled={busy === r.id} onClick={() => decide(r.id, 'deny')}>
                  Deny
                </button>
              </div>
            ) : (
              <div class="mod-item-meta muted">
                {r.status}
                {r.decided_by ? ` by ${r.decided_by}` : ''}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
