// /dashboard: the creator's channels, each with tabs: the Stream manager (going live, stream
// info, health and activity while live, raids), Analytics, Videos & clips (recording, VODs,
// clips), Engagement (polls, predictions, rewards, redemptions), Emotes, and the money: Earnings,
// Payouts and Tax form. `?tab=stream|analytics|content|engagement|emotes|subscribers|tips|earnings|payouts|tax|bot|webhooks|music`
// opens a tab.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { createChannel, fetchOwnedChannels, type ManagedChannel } from '../accountApi';
import { useSession, type Session } from '../auth';
import { StreamManager } from '../components/StreamManager';
import { AnalyticsPanel } from '../components/AnalyticsPanel';
import { RecordingPanel } from '../components/RecordingPanel';
import { VodManager } from '../components/VodManager';
import { ClipManager } from '../components/ClipManager';
import { EngagementPanel } from '../engagement/dashboard/EngagementPanel';
import { EmotesPanel } from '../emotes/EmotesPanel';
import { SubscribersPanel } from '../subs/SubscribersPanel';
import { EarningsPanel, PayoutsPanel, TaxFormPanel } from '../payouts/PayoutsPanels';
import '../account.css';
import { TipsPanel } from '../tips/TipsPanel';
import { BotsPanel } from '../bots/BotsPanel';
import { WebhooksPanel } from '../webhooks/WebhooksPanel';
import { ObsPanel } from '../overlay/ObsPanel';
import { MusicPanel } from '../music/MusicPanel';
import '../dashboard.css';
import { GoLiveLink } from '../golive/GoLivePage';

export { rtmpServerUrl } from '../components/StreamSetup';

export type DashboardTab = 'stream' | 'analytics' | 'content' | 'engagement' | 'emotes' | 'subscribers' | 'tips' | 'earnings' | 'payouts' | 'tax' | 'bot' | 'webhooks' | 'music';
const TABS: readonly { id: DashboardTab; label: string }[] = [
  { id: 'stream', label: 'Stream manager' },
  { id: 'analytics', label: 'Analytics' },
  { id: 'content', label: 'Videos & clips' },
  { id: 'engagement', label: 'Engagement' },
  { id: 'emotes', label: 'Emotes' },
  { id: 'subscribers', label: 'Subscribers' },
  { id: 'tips', label: 'Tips' },
  { id: 'earnings', label: 'Earnings' },
  { id: 'payouts', label: 'Payouts' },
  { id: 'tax', label: 'Tax form' },
  { id: 'bot', label: 'Chat bot' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'music', label: 'Music' },
];

/** The tab a `?tab=` query asks for (the stream manager by default). */
export function parseDashboardTab(search: string): DashboardTab {
  const t = new URLSearchParams(search).get('tab');
  return TABS.some((x) => x.id === t) ? (t as DashboardTab) : 'stream';
}

const CHANNEL_RE = /^[a-z0-9_]{3,25}$/;

function message(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Could not reach the server.';
}

export function DashboardPage() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Creator dashboard · AeThex LIVE';
  }, []);
  if (!session) {
    return (
      <main class="dashboard">
        <div class="dash-card" id="dashboard-signin">
          <h2>Creator dashboard</h2>
          <p class="muted">
            <a href="/login">Log in</a> or <a href="/signup">sign up</a> to create and manage your channel.
          </p>
        </div>
      </main>
    );
  }
  return <Dashboard key={session.token} session={session} />;
}

function Dashboard({ session }: { session: Session }) {
  const [channels, setChannels] = useState<ManagedChannel[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    fetchOwnedChannels(session.username)
      .then((list) => {
        if (cancelled) return;
        setChannels(list);
        setSelected((s) => s ?? list[0]?.name ?? null);
      })
      .catch((e) => !cancelled && setLoadError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [session.username]);

  const onCreated = (name: string) => {
    setChannels((list) => (list?.some((c) => c.name === name) ? list : [...(list ?? []), { name, title: '', category: '', tags: [], owner: session.username, live: false }]));
    setSelected(name);
  };

  return (
    <main class="dashboard" id="dashboard" data-user={session.username}>
      <h1 class="section-title">Creator dashboard</h1>
      {loadError && <p class="form-error">{loadError}</p>}
      {channels && channels.length > 0 && (
        <ul class="dash-channels" id="my-channels">
          {channels.map((c) => (
            <li key={c.name}>
              <button
                class="btn"
                type="button"
                data-channel={c.name}
                aria-current={c.name === selected ? 'true' : 'false'}
                onClick={() => setSelected(c.name)}
              >
                {c.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && <ChannelTabs key={selected} name={selected} token={session.token} />}
      <CreateChannel token={session.token} onCreated={onCreated} first={channels !== null && channels.length === 0} />
    </main>
  );
}

function CreateChannel({ token, onCreated, first }: { token: string; onCreated: (name: string) => void; first: boolean }) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: Event) {
    ev.preventDefault();
    const n = name.trim().toLowerCase();
    if (!CHANNEL_RE.test(n)) return setError('Channel names are 3–25 characters of a–z, 0–9 and _.');
    setBusy(true);
    setError(null);
    try {
      await createChannel(token, n, title.trim());
      setName('');
      setTitle('');
      onCreated(n);
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="dash-card">
      <h2>{first ? 'Create your channel' : 'Create another channel'}</h2>
      <form class="dash-form" id="create-channel-form" onSubmit={submit} noValidate>
        <label>
          Channel name
          <input id="new-channel-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Stream title
          <input id="new-channel-title" value={title} maxLength={140} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </label>
        {error && <p class="form-error" id="create-error" role="alert">{error}</p>}
        <div class="dash-row">
          <button class="btn btn-primary" id="create-channel-submit" type="submit" disabled={busy}>
            Create channel
          </button>
        </div>
      </form>
    </section>
  );
}

function ChannelTabs({ name, token }: { name: string; token: string }) {
  const [tab, setTab] = useState<DashboardTab>(() => parseDashboardTab(window.location.search));
  const choose = (t: DashboardTab) => {
    setTab(t);
    const url = new URL(window.location.href);
    if (t === 'stream') url.searchParams.delete('tab');
    else url.searchParams.set('tab', t);
    window.history.replaceState(null, '', url.pathname + url.search);
  };
  // Arrow keys move along the tabs (the WAI-ARIA tabs pattern).
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = TABS[(i + step + TABS.length) % TABS.length]!;
    choose(next.id);
    document.getElementById(`dash-tab-${next.id}`)?.focus();
  };
  return (
    <>
      <div class="dash-tabs" role="tablist" aria-label={`Manage ${name}`} onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`dash-tab-${t.id}`}
            class="dash-tab"
            aria-selected={tab === t.id}
            aria-controls={`dash-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => choose(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`dash-panel-${tab}`} aria-labelledby={`dash-tab-${tab}`} class="dash-panel" data-tab={tab}>
        {tab === 'stream' && <GoLiveLink channel={name} />}
        {tab === 'stream' && <StreamManager name={name} token={token} />}
        {tab === 'stream' && <ObsPanel channel={name} token={token} />}
        {tab === 'analytics' && <AnalyticsPanel name={name} token={token} />}
        {tab === 'engagement' && <EngagementPanel channel={name} token={token} />}
        {tab === 'emotes' && <EmotesPanel channel={name} token={token} />}
        {tab === 'subscribers' && <SubscribersPanel channel={name} token={token} />}
        {tab === 'tips' && <TipsPanel channel={name} token={token} />}
        {tab === 'earnings' && <EarningsPanel channel={name} token={token} />}
        {tab === 'payouts' && <PayoutsPanel channel={name} token={token} />}
        {tab === 'tax' && <TaxFormPanel channel={name} token={token} />}
        {tab === 'bot' && <BotsPanel channel={name} token={token} />}
        {tab === 'webhooks' && <WebhooksPanel channel={name} token={token} />}
        {tab === 'music' && <MusicPanel channel={name} token={token} />}
        {tab === 'content' && (
          <>
            <RecordingPanel channel={name} token={token} />
            <VodManager channel={name} token={token} />
            <ClipManager channel={name} token={token} />
          </>
        )}
      </div>
    </>
  );
}
