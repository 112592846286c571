import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  createChannel,
  fetchManagedChannel,
  fetchOwnedChannels,
  parseTags,
  revealStreamKey,
  rotateStreamKey,
  updateChannel,
  type ManagedChannel,
} from '../accountApi';
import { useSession, type Session } from '../auth';
import { channelPath } from '../router';
import { RaidPanel } from '../components/RaidPanel';
import { RaidSettingsPanel } from '../components/RaidSettingsPanel';
import { RecordingPanel } from '../components/RecordingPanel';
import { VodManager } from '../components/VodManager';
import { ClipManager } from '../components/ClipManager';
import '../account.css';

const MASK = '•'.repeat(24);
const CHANNEL_RE = /^[a-z0-9_]{3,25}$/;

function message(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Could not reach the server.';
}

/** The RTMP server URL OBS needs; the node's default RTMP port is 1935. */
export function rtmpServerUrl(hostname: string): string {
  return `rtmp://${hostname}:1935/live`;
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
      {selected && <ChannelSettings key={selected} name={selected} token={session.token} />}
      {selected && <RaidPanel key={`raid:${selected}`} channel={selected} token={session.token} />}
      {selected && <RaidSettingsPanel key={`raid-settings:${selected}`} channel={selected} token={session.token} />}
      {selected && <RecordingPanel key={`recording:${selected}`} channel={selected} token={session.token} />}
      {selected && <VodManager key={`vods:${selected}`} channel={selected} token={session.token} />}
      {selected && <ClipManager key={`clips:${selected}`} channel={selected} token={session.token} />}
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

function ChannelSettings({ name, token }: { name: string; token: string }) {
  const [channel, setChannel] = useState<ManagedChannel | null>(null);
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState('');
  const [tags, setTags] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [key, setKey] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    fetchManagedChannel(name)
      .then((c) => {
        setChannel(c);
        setTitle(c.title);
        setCategory(c.category);
        setTags(c.tags.join(', '));
      })
      .catch((e) => setStatus({ ok: false, text: message(e) }));
  }, [name]);

  async function save(ev: Event) {
    ev.preventDefault();
    setStatus(null);
    try {
      const c = await updateChannel(token, name, { title: title.trim(), category: category.trim(), tags: parseTags(tags) });
      setChannel(c);
      setTags(c.tags.join(', '));
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      setStatus({ ok: false, text: message(e) });
    }
  }

  async function loadKey(): Promise<string | null> {
    if (key) return key;
    try {
      const k = await revealStreamKey(token, name);
      setKeyError(null);
      return k;
    } catch (e) {
      setKeyError(message(e));
      return null;
    }
  }

  async function toggleReveal() {
    if (key) return setKey(null);
    setKey(await loadKey());
  }

  async function copy() {
    const k = await loadKey();
    if (!k) return;
    try {
      await navigator.clipboard.writeText(k);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setKey(k); // clipboard refused: show it so it can be copied by hand
    }
  }

  async function rotate() {
    if (!window.confirm('Replace the stream key? Encoders using the old key stop working.')) return;
    try {
      setKey(await rotateStreamKey(token, name));
      setKeyError(null);
    } catch (e) {
      setKeyError(message(e));
    }
  }

  const server = rtmpServerUrl(window.location.hostname);
  return (
    <>
      <section class="dash-card" id="stream-settings" data-channel={name}>
        <h2>
          Stream setup for <a href={channelPath(name)} id="channel-link">{name}</a>
          {channel?.live && <span class="live-badge" style={{ marginLeft: '8px' }}>LIVE</span>}
        </h2>
        <div class="dash-form">
          <label>
            Server
            <div class="dash-row">
              <code class="key-box" id="rtmp-url">{server}</code>
            </div>
          </label>
          <label>
            Stream key
            <div class="dash-row">
              <code class="key-box" id="stream-key" data-revealed={key ? 'true' : 'false'}>
                {key ?? MASK}
              </code>
              <button class="btn" type="button" id="reveal-key" onClick={toggleReveal}>
                {key ? 'Hide' : 'Reveal'}
              </button>
              <button class="btn" type="button" id="copy-key" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </button>
              <button class="btn btn-danger" type="button" id="rotate-key" onClick={rotate}>
                Reset key
              </button>
            </div>
          </label>
          {keyError && <p class="form-error" id="key-error">{keyError}</p>}
          <p class="muted">Keep the key secret: anyone who has it can stream to your channel.</p>
          <ol class="obs-steps" id="obs-instructions">
            <li>In OBS open Settings → Stream, choose Service “Custom…”.</li>
            <li>Server: <code>{server}</code> · Stream Key: the key above.</li>
            <li>Settings → Output: keyframe interval 1 s for the lowest latency (H.264 + AAC).</li>
            <li>Start Streaming, then watch at <a href={channelPath(name)}>{channelPath(name)}</a>.</li>
          </ol>
        </div>
      </section>
      <section class="dash-card">
        <h2>Stream info</h2>
        <form class="dash-form" id="edit-channel-form" onSubmit={save} noValidate>
          <label>
            Title
            <input id="edit-title" value={title} maxLength={140} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Category
            <input id="edit-category" value={category} maxLength={64} onInput={(e) => setCategory((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Tags <span class="muted">(comma separated, up to 10)</span>
            <input id="edit-tags" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
          </label>
          <div class="dash-row">
            <button class="btn btn-primary" id="save-channel" type="submit">
              Save
            </button>
            {status && (
              <p class={status.ok ? 'form-ok' : 'form-error'} id="save-status" role="status">
                {status.text}
              </p>
            )}
          </div>
        </form>
      </section>
    </>
  );
}
