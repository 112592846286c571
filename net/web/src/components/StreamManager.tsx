// The dashboard's Stream manager tab: live status with uptime and viewers (the channel, re-read
// every 5 s), the go-live checklist, stream info, health graphs, chat activity and recent
// followers (this stream's analytics), recent clips, and raids.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchChannel, type Channel } from '../api';
import { fetchAnalytics, type Analytics } from '../analyticsApi';
import { chatPerMinute } from '../charts';
import { clipPath, fetchChannelClips, type Clip } from '../clipApi';
import { formatAgo, formatDuration, formatViewers } from '../format';
import { startPolling } from '../poll';
import { Chart } from './Chart';
import { LiveGraphs } from './LiveGraphs';
import { RaidPanel } from './RaidPanel';
import { RaidSettingsPanel } from './RaidSettingsPanel';
import { StreamInfoForm } from './StreamInfoForm';
import { StreamSetup } from './StreamSetup';
import { Uptime } from './Uptime';
import { useAlive } from './useAlive';

export const STATUS_POLL_MS = 5000;
export const ACTIVITY_POLL_MS = 15000;

export function StreamManager({ name, token }: { name: string; token: string }) {
  const [channel, setChannel] = useState<Channel | null>(null);
  const [kick, setKick] = useState(0);
  useEffect(() => {
    const poller = startPolling(
      async (signal) => {
        const c = await fetchChannel(name, signal);
        if (!signal.aborted) setChannel(c);
      },
      { intervalMs: STATUS_POLL_MS },
    );
    return () => poller.stop();
  }, [name, kick]);

  const live = channel?.live ?? false;
  return (
    <>
      <section class="dash-card stream-status" id="stream-status" data-live={channel ? String(live) : 'unknown'} aria-label="Stream status">
        {live ? (
          <>
            <span class="live-badge" id="dash-live-badge">LIVE</span>
            <span id="dash-viewers">{formatViewers(channel!.viewers)}</span>
            {channel!.started_at_ms !== null && (
              <span id="dash-uptime">
                live for <Uptime startedAtMs={channel!.started_at_ms} />
              </span>
            )}
          </>
        ) : (
          <span class="offline-badge" id="dash-offline">{channel ? 'Offline' : 'Loading…'}</span>
        )}
        <span class="stream-status-title muted">{channel?.title || ''}</span>
      </section>
      <div class="dash-columns">
        <div class="dash-column">
          <StreamSetup name={name} token={token} live={live} onEnded={() => setKick((k) => k + 1)} />
          <StreamInfoForm name={name} token={token} />
          <RaidPanel channel={name} token={token} />
          <RaidSettingsPanel channel={name} token={token} />
        </div>
        <div class="dash-column">
          <LiveGraphs name={name} token={token} live={live} />
          <LiveActivity name={name} token={token} startedAtMs={live ? (channel?.started_at_ms ?? null) : null} />
          <RecentClips name={name} token={token} />
        </div>
      </div>
    </>
  );
}

/** Chat messages per minute and the newest followers, from this stream's (or the last hour's) analytics. */
function LiveActivity({ name, token, startedAtMs }: { name: string; token: string; startedAtMs: number | null }) {
  const [a, setA] = useState<Analytics | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => {
    const poller = startPolling(
      async (signal) => {
        const to = Date.now();
        const r = await fetchAnalytics(token, name, { from: startedAtMs ?? to - 3_600_000, to, bucket: 'minute' });
        if (!signal.aborted) {
          setA(r);
          setError(false);
        }
      },
      { intervalMs: ACTIVITY_POLL_MS, onError: () => setError(true) },
    );
    return () => poller.stop();
  }, [name, token, startedAtMs]);
  const chat = useMemo(() => (a ? chatPerMinute(a.series, a.bucket) : null), [a]);
  const now = Date.now();
  return (
    <section class="dash-card" id="live-activity" aria-label="Chat activity and followers">
      <h2>Chat activity</h2>
      {error && !a && <p class="muted">Analytics are not available.</p>}
      {chat && <Chart id="chat-activity" title="Chat messages per minute" data={chat} series={[{ label: 'Messages / min', stroke: '#bf94ff', steps: true }]} />}
      {a && (
        <p class="muted" id="live-activity-totals">
          {a.totals.chat_messages} messages from {a.totals.unique_chatters} chatters · {a.totals.views} views
        </p>
      )}
      <h3>Recent followers</h3>
      {a && a.recent_followers.length === 0 && <p class="muted">No new followers yet.</p>}
      <ul class="recent-list" id="recent-followers">
        {a?.recent_followers.slice(0, 10).map((f) => (
          <li key={`${f.user}@${f.at_ms}`} data-user={f.user}>
            <a href={`/c/${encodeURIComponent(f.user)}`}>{f.user}</a> <span class="muted">{formatAgo(f.at_ms, now)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecentClips({ name, token }: { name: string; token: string }) {
  const [clips, setClips] = useState<Clip[] | null>(null);
  const alive = useAlive();
  useEffect(() => {
    fetchChannelClips(name, token, 'recent', 5)
      .then((list) => alive.current && setClips(list))
      .catch(() => alive.current && setClips([]));
  }, [name, token]);
  return (
    <section class="dash-card" id="recent-clips" aria-label="Recent clips">
      <h2>Recent clips</h2>
      {clips && clips.length === 0 && <p class="muted">No clips yet.</p>}
      <ul class="recent-list">
        {clips?.map((c) => (
          <li key={c.id} data-clip={c.id}>
            <a href={clipPath(c.id)}>{c.title || `Clip of ${c.channel}`}</a>{' '}
            <span class="muted">
              {formatDuration(c.duration_s, false)} · by {c.creator} · {formatAgo(c.created_at_ms, Date.now())}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
