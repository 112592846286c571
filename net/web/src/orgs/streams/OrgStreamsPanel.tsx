// The "Streams" area of an org's manage page: shared moderators, the shared ban list, who may go
// live on which org channel (member keys shown once), the schedule with its iCal link, and org
// analytics with a CSV download, and the shared emotes (OrgEmotes). Only owners and admins get
// answers; others see the refusal.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../../auth';
import { csvFilename, downloadCsv } from '../../csvDownload';
import * as api from './api';
import { OrgEmotes } from './OrgEmotes';

const DAY = 24 * 3600 * 1000;
const figures = ['views', 'unique_viewers', 'watch_time_s', 'peak_viewers', 'chat_messages', 'new_followers'];

export function OrgStreamsPanel({ slug, channels = [] }: { slug: string; channels?: string[] }) {
  const session = useSession();
  const token = hasAccount(session) ? session.token : null;
  const [policy, setPolicy] = useState<api.StreamsPolicy | null>(null);
  const [keys, setKeys] = useState<{ channel: string; member: string; key: string }[]>([]);
  const [stats, setStats] = useState<api.OrgAnalytics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mod, setMod] = useState('');
  const [banUser, setBanUser] = useState('');
  const [reason, setReason] = useState('');
  const [ruleChannel, setRuleChannel] = useState(channels[0] ?? '');
  const [ruleMembers, setRuleMembers] = useState('');
  const [entry, setEntry] = useState({ channel: channels[0] ?? '', title: '', starts: '', minutes: '60', streamer: '' });
  const [to] = useState(() => Date.now());
  const from = to - 7 * DAY;

  useEffect(() => {
    if (!token) return;
    api.fetchPolicy(token, slug).then(setPolicy, (e: Error) => setError(e.message));
    api.fetchAnalytics(token, slug, from, to).then(setStats, () => setStats(null));
  }, [slug, token]);

  if (!token) return null;
  const act = async (f: () => Promise<api.StreamsPolicy>, channel = '') => {
    setError(null);
    try {
      const p = await f();
      setPolicy(p);
      if (p.keys.length) setKeys(p.keys.map((k) => ({ channel, ...k })));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

  return (
    <section class="org-streams" id="org-streams">
      <h2>Streams</h2>
      {error && <p class="error" id="org-streams-error">{error}</p>}
      {policy && (
        <>
          <h3>Shared moderators</h3>
          <ul id="org-streams-mods">
            {policy.moderators.map((m) => (
              <li key={m}>
                {m} <button onClick={() => act(() => api.removeModerator(token, slug, m))}>Remove</button>
              </li>
            ))}
          </ul>
          <input placeholder="user" value={mod} onInput={input(setMod)} id="org-streams-mod-user" />
          <button onClick={() => act(() => api.addModerator(token, slug, mod))}>Add moderator</button>

          <h3>Ban list</h3>
          <ul id="org-streams-bans">
            {policy.bans.map((b) => (
              <li key={b.user}>
                {b.user} — {b.reason || 'no reason'} (by {b.by}) <button onClick={() => act(() => api.unban(token, slug, b.user))}>Unban</button>
              </li>
            ))}
          </ul>
          <input placeholder="user" value={banUser} onInput={input(setBanUser)} />
          <input placeholder="reason" value={reason} onInput={input(setReason)} />
          <button onClick={() => act(() => api.ban(token, slug, banUser, reason))}>Ban everywhere</button>

          <h3>Who may go live</h3>
          <ul id="org-streams-rules">
            {policy.rules.map((r) => (
              <li key={r.channel}>
                <b>{r.channel}</b>:{' '}
                {r.members.map((m) => (
                  <span key={m.member}>
                    {m.member} <button onClick={() => act(() => api.rotateKey(token, slug, r.channel, m.member), r.channel)}>New key</button>{' '}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <input placeholder="channel" value={ruleChannel} onInput={input(setRuleChannel)} list="org-streams-channels" />
          <datalist id="org-streams-channels">
            {channels.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <input placeholder="members (comma separated)" value={ruleMembers} onInput={input(setRuleMembers)} />
          <button onClick={() => act(() => api.setRule(token, slug, ruleChannel, api.memberList(ruleMembers)), ruleChannel)}>Save rule</button>
          {keys.length > 0 && (
            <div class="org-streams-keys" id="org-streams-keys">
              <p>Stream keys — shown once, copy them now:</p>
              <ul>
                {keys.map((k) => (
                  <li key={k.member}>
                    {k.member} on {k.channel}: <code>{k.key}</code>
                  </li>
                ))}
              </ul>
              <button onClick={() => setKeys([])}>Done</button>
            </div>
          )}

          <h3>
            Schedule <a href={api.icsUrl(slug)}>iCal</a>
          </h3>
          <ul id="org-streams-schedule">
            {policy.schedule.map((e) => (
              <li key={e.id}>
                {new Date(e.starts_at_ms).toLocaleString()} · {e.channel} · {e.title} ({e.duration_min} min){e.streamer ? ` · ${e.streamer}` : ''}{' '}
                <button onClick={() => act(() => api.unschedule(token, slug, e.id))}>Remove</button>
              </li>
            ))}
          </ul>
          <input placeholder="channel" value={entry.channel} onInput={(e) => setEntry({ ...entry, channel: (e.target as HTMLInputElement).value })} />
          <input placeholder="title" value={entry.title} onInput={(e) => setEntry({ ...entry, title: (e.target as HTMLInputElement).value })} />
          <input type="datetime-local" value={entry.starts} onInput={(e) => setEntry({ ...entry, starts: (e.target as HTMLInputElement).value })} />
          <input type="number" min={1} max={1440} value={entry.minutes} onInput={(e) => setEntry({ ...entry, minutes: (e.target as HTMLInputElement).value })} />
          <input placeholder="streamer (optional)" value={entry.streamer} onInput={(e) => setEntry({ ...entry, streamer: (e.target as HTMLInputElement).value })} />
          <button
            onClick={() =>
              act(() =>
                api.schedule(token, slug, {
                  channel: entry.channel,
                  title: entry.title,
                  starts_at_ms: new Date(entry.starts).getTime(),
                  duration_min: Number(entry.minutes),
                  ...(entry.streamer ? { streamer: entry.streamer } : {}),
                }),
              )
            }
          >
            Schedule
          </button>

          <OrgEmotes slug={slug} token={token} />
        </>
      )}

      {stats && (
        <>
          <h3>Analytics (last 7 days)</h3>
          <table id="org-streams-analytics">
            <thead>
              <tr>
                <th>channel</th>
                {figures.map((f) => (
                  <th key={f}>{f.replace(/_/g, ' ')}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {stats.channels.map((c) => (
                <tr key={c.channel}>
                  <td>{c.channel}</td>
                  {figures.map((f) => (
                    <td key={f}>{c.totals[f] ?? 0}</td>
                  ))}
                </tr>
              ))}
              <tr>
                <th>total</th>
                {figures.map((f) => (
                  <th key={f}>{stats.totals[f] ?? 0}</th>
                ))}
              </tr>
            </tbody>
          </table>
          <button
            onClick={() =>
              downloadCsv(api.analyticsCsvUrl(slug, from, to), token, csvFilename(slug, 'analytics', from, to)).catch((e: Error) => setError(e.message))
            }
          >
            Download CSV
          </button>
        </>
      )}
    </section>
  );
}
