// Stream manager: the go-live checklist (RTMP and SRT ingest URLs from the node, the stream key
// masked until revealed, copy, rotate) and ending the live stream (optionally with a new key).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { revealStreamKey, rotateStreamKey } from '../accountApi';
import { endStream, fetchIngest, type Ingest } from '../analyticsApi';
import { channelPath } from '../router';
import { useAlive } from './useAlive';

const MASK = '•'.repeat(24);
const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

/** The RTMP server URL when the node does not say (its default RTMP port is 1935). */
export function rtmpServerUrl(hostname: string): string {
  return `rtmp://${hostname}:1935/live`;
}

export function StreamSetup({ name, token, live, onEnded }: { name: string; token: string; live: boolean; onEnded: () => void }) {
  const [ingest, setIngest] = useState<Ingest | null>(null);
  const [key, setKey] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchIngest(token, name)
      .then((i) => alive.current && setIngest(i))
      .catch(() => undefined); // an older node: the URL from the page's host
  }, [name, token]);

  async function loadKey(): Promise<string | null> {
    if (key) return key;
    try {
      const k = await revealStreamKey(token, name);
      setKeyError(null);
      return k;
    } catch (e) {
      setKeyError(errorText(e));
      return null;
    }
  }

  async function copy(what: 'key' | 'srt') {
    const k = await loadKey();
    if (!k) return;
    const text = what === 'key' ? k : `${ingest?.srt_url ?? ''}${k}`;
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
      setTimeout(() => alive.current && setCopied(null), 2000);
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
      setKeyError(errorText(e));
    }
  }

  const rtmp = ingest ? ingest.rtmp_url : rtmpServerUrl(window.location.hostname);
  const srt = ingest?.srt_url ?? null;
  return (
    <section class="dash-card" id="stream-settings" data-channel={name} aria-label="Go-live checklist">
      <h2>
        Go live on <a href={channelPath(name)} id="channel-link">{name}</a>
      </h2>
      <div class="dash-form">
        <label>
          RTMP server
          <div class="dash-row">
            <code class="key-box" id="rtmp-url" data-port={ingest?.rtmp_port ?? ''}>
              {rtmp ?? 'RTMP ingest is off on this node'}
            </code>
          </div>
        </label>
        <label>
          SRT URL
          <div class="dash-row">
            <code class="key-box" id="srt-url" data-port={ingest?.srt_port ?? ''}>
              {srt ? `${srt}${key ?? MASK}` : 'SRT ingest is off on this node'}
            </code>
            {srt && (
              <button class="btn" type="button" id="copy-srt" onClick={() => void copy('srt')}>
                {copied === 'srt' ? 'Copied' : 'Copy'}
              </button>
            )}
          </div>
        </label>
        <label>
          Stream key
          <div class="dash-row">
            <code class="key-box" id="stream-key" data-revealed={key ? 'true' : 'false'}>
              {key ?? MASK}
            </code>
            <button class="btn" type="button" id="reveal-key" onClick={async () => setKey(key ? null : await loadKey())}>
              {key ? 'Hide' : 'Reveal'}
            </button>
            <button class="btn" type="button" id="copy-key" onClick={() => void copy('key')}>
              {copied === 'key' ? 'Copied' : 'Copy'}
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
          <li>
            Server: <code>{rtmp ?? '–'}</code> · Stream Key: the key above (or SRT: the SRT URL as the server, no key).
          </li>
          <li>Settings → Output: keyframe interval 1–2 s (never over 4 s), H.264 + AAC.</li>
          <li>
            Start Streaming, then watch at <a href={channelPath(name)}>{channelPath(name)}</a>.
          </li>
        </ol>
        <EndStream name={name} token={token} live={live} onEnded={(k) => (k && setKey(k), onEnded())} />
      </div>
    </section>
  );
}

function EndStream({ name, token, live, onEnded }: { name: string; token: string; live: boolean; onEnded: (newKey: string | null) => void }) {
  const [rotate, setRotate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const alive = useAlive();

  async function end() {
    const warn = rotate ? 'End the stream now and replace the stream key? The encoder cannot reconnect with the old key.' : 'End the stream now?';
    if (!window.confirm(warn)) return;
    setBusy(true);
    setStatus(null);
    try {
      const r = await endStream(token, name, rotate);
      if (!alive.current) return;
      setStatus({ ok: true, text: r.ended ? (r.streamKey ? 'Stream ended; the key was replaced.' : 'Stream ended.') : 'The stream was not live.' });
      onEnded(r.streamKey);
    } catch (e) {
      if (alive.current) setStatus({ ok: false, text: errorText(e) });
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  return (
    <div class="dash-row end-stream" id="end-stream-row">
      <button class="btn btn-danger" type="button" id="end-stream" disabled={!live || busy} onClick={() => void end()}>
        End stream
      </button>
      <label class="dash-check">
        <input type="checkbox" id="end-rotate-key" checked={rotate} onChange={(e) => setRotate((e.target as HTMLInputElement).checked)} />
        Also reset the stream key
      </label>
      {status && (
        <p class={status.ok ? 'form-ok' : 'form-error'} id="end-stream-status" role="status">
          {status.text}
        </p>
      )}
    </div>
  );
}
