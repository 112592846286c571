// "Go live from the browser": the screen (getDisplayMedia) and/or the camera and microphone
// (getUserMedia), a layout, a local preview, then Go live publishes over WHIP with the channel's
// stream key (fetched as the dashboard's Reveal does) and Stop ends the stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { revealStreamKey } from '../accountApi';
import { ApiError } from '../api';
import { channelPath } from '../router';
import { LAYOUTS, WhipSession, whipUrl, type Layout } from './whip';
import './golive.css';

type Phase = 'idle' | 'starting' | 'live' | 'stopping';

interface Sources {
  screen: MediaStream | null;
  camera: MediaStream | null; // camera video and/or microphone
}

function stopAll(s: Sources) {
  for (const stream of [s.screen, s.camera]) stream?.getTracks().forEach((t) => t.stop());
}

export function GoLivePage({ channel }: { channel: string }) {
  const session = useSession();
  useEffect(() => {
    document.title = `Go live · ${channel} · AeThex LIVE`;
  }, [channel]);
  if (!session)
    return (
      <main class="dashboard">
        <div class="dash-card" id="golive-signin">
          <h2>Go live from the browser</h2>
          <p class="muted">
            <a href="/login">Log in</a> to stream to your channel.
          </p>
        </div>
      </main>
    );
  return <GoLive key={session.token} channel={channel} token={session.token} />;
}

function Preview({ stream, id, label }: { stream: MediaStream | null; id: string; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream && stream.getVideoTracks().length ? stream : null;
  }, [stream]);
  if (!stream || !stream.getVideoTracks().length) return null;
  return (
    <figure class="golive-preview">
      <video ref={ref} id={id} autoplay muted playsInline />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

function GoLive({ channel, token }: { channel: string; token: string }) {
  const [useScreen, setUseScreen] = useState(true);
  const [useCamera, setUseCamera] = useState(false);
  const [useMic, setUseMic] = useState(true);
  const [layout, setLayout] = useState<Layout>('screen');
  const [sources, setSources] = useState<Sources>({ screen: null, camera: null });
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<string | null>(null);
  const whip = useRef<WhipSession | null>(null);
  const current = useRef(sources);
  current.current = sources;

  // Leaving the page ends the stream and releases the devices.
  useEffect(
    () => () => {
      void whip.current?.stop().catch(() => undefined);
      stopAll(current.current);
    },
    [],
  );

  async function capture(): Promise<Sources> {
    stopAll(current.current);
    const next: Sources = { screen: null, camera: null };
    if (useScreen) next.screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 30 }, audio: false });
    if (useCamera || useMic) next.camera = await navigator.mediaDevices.getUserMedia({ video: useCamera, audio: useMic });
    setSources(next);
    return next;
  }

  async function preview() {
    setError(null);
    try {
      await capture();
    } catch (e) {
      setError(`Could not capture: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function start() {
    setError(null);
    if (!useScreen && !useCamera && !useMic) return setError('Choose the screen, the camera or the microphone.');
    setPhase('starting');
    try {
      const key = await revealStreamKey(token, channel);
      const have = current.current;
      const wanted = (!useScreen || have.screen) && (!(useCamera || useMic) || have.camera);
      const s = wanted ? have : await capture();
      whip.current = await WhipSession.publish(whipUrl(window.location.origin, channel, layout), key, {
        audio: s.camera?.getAudioTracks()[0] ?? null,
        screen: s.screen?.getVideoTracks()[0] ?? null,
        camera: s.camera?.getVideoTracks()[0] ?? null,
      });
      setPhase('live');
    } catch (e) {
      setPhase('idle');
      setError(e instanceof ApiError || e instanceof Error ? e.message : 'Could not go live.');
    }
  }

  async function stop() {
    setPhase('stopping');
    try {
      await whip.current?.stop();
    } catch {
      // the node may be gone already; the connection is closed either way
    }
    whip.current = null;
    stopAll(current.current);
    setSources({ screen: null, camera: null });
    setPhase('idle');
  }

  const busy = phase === 'starting' || phase === 'stopping';
  const live = phase === 'live';
  return (
    <main class="dashboard golive" id="golive" data-channel={channel} data-state={phase}>
      <section class="dash-card">
        <h2>
          Go live from the browser on <a href={channelPath(channel)}>{channel}</a>
        </h2>
        <p class="muted">No encoder needed: share your screen and/or camera; viewers watch the usual player.</p>
        <div class="dash-form">
          <fieldset class="golive-sources" disabled={live || busy}>
            <legend>Sources</legend>
            <label class="dash-check">
              <input type="checkbox" id="golive-screen" checked={useScreen} onChange={(e) => setUseScreen((e.target as HTMLInputElement).checked)} />
              Screen
            </label>
            <label class="dash-check">
              <input type="checkbox" id="golive-camera" checked={useCamera} onChange={(e) => setUseCamera((e.target as HTMLInputElement).checked)} />
              Camera
            </label>
            <label class="dash-check">
              <input type="checkbox" id="golive-mic" checked={useMic} onChange={(e) => setUseMic((e.target as HTMLInputElement).checked)} />
              Microphone
            </label>
          </fieldset>
          <label>
            Layout
            <select id="golive-layout" value={layout} disabled={live || busy} onChange={(e) => setLayout((e.target as HTMLSelectElement).value as Layout)}>
              {LAYOUTS.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
          <div class="dash-row">
            <button class="btn" type="button" id="golive-preview-btn" disabled={live || busy} onClick={() => void preview()}>
              Preview
            </button>
            {!live ? (
              <button class="btn btn-primary" type="button" id="golive-start" disabled={busy} onClick={() => void start()}>
                {phase === 'starting' ? 'Connecting…' : 'Go live'}
              </button>
            ) : (
              <button class="btn btn-danger" type="button" id="golive-stop" onClick={() => void stop()}>
                Stop
              </button>
            )}
          </div>
          <p id="golive-status" role="status" class={live ? 'form-ok' : 'muted'}>
            {live ? 'You are live.' : phase === 'starting' ? 'Connecting…' : phase === 'stopping' ? 'Ending the stream…' : 'Not live.'}
          </p>
          {error && (
            <p class="form-error" id="golive-error">
              {error}
            </p>
          )}
        </div>
        <div class="golive-previews">
          <Preview stream={sources.screen} id="golive-screen-preview" label="Screen" />
          <Preview stream={sources.camera} id="golive-camera-preview" label="Camera" />
        </div>
      </section>
    </main>
  );
}

/** The dashboard's link to this page. */
export function GoLiveLink({ channel }: { channel: string }) {
  return (
    <p class="golive-link">
      <a class="btn" id="golive-link" href={`/golive/${encodeURIComponent(channel)}`}>
        Go live from the browser
      </a>{' '}
      <span class="muted">screen, camera and microphone, no encoder needed</span>
    </p>
  );
}
