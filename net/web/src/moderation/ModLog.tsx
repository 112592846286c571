// The channel's moderation log, newest first: who did what to whom, and why.
import { fetchModLog } from './api';
import { describeLogEntry } from './model';
import { UserName } from './UserCard';
import { usePolled } from './usePolled';

export const LOG_REFRESH_MS = 15_000;

export function ModLog({ channel, token, version, onOpenUser }: { channel: string; token: string; version: number; onOpenUser: (u: string) => void }) {
  const log = usePolled(() => fetchModLog(token, channel, 50), LOG_REFRESH_MS, [channel, token, version]);
  return (
    <section class="dash-card mod-panel" id="mod-log" data-state={log.data ? 'ready' : log.error ? 'error' : 'loading'} aria-labelledby="mod-log-title">
      <h2 id="mod-log-title">Moderation log</h2>
      {log.error && <p class="form-error">{log.error}</p>}
      {log.data?.length === 0 && <p class="muted">No moderation yet.</p>}
      <ol class="mod-list mod-log-list">
        {log.data?.map((e) => (
          <li key={e.id} data-testid="log-entry" data-action={e.action} data-user={e.user}>
            <time class="muted" dateTime={new Date(e.at_ms).toISOString()}>
              {new Date(e.at_ms).toLocaleTimeString()}
            </time>{' '}
            {describeLogEntry(e)}
            {e.user && (
              <>
                {' '}
                <UserName user={e.user} onOpen={onOpenUser} compact />
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
