// Dashboard → Stream → "OBS overlays": every overlay's browser-source URL (with the channel's
// overlay token) and its size, a "Copy to OBS" button per overlay (the URL to the clipboard), the
// whole set as an OBS scene collection (Scene Collection → Import), the token's rotation (every
// URL given out before stops), and the now-playing line the now_playing overlay shows.
// docs/obs.md says how to add them in OBS.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { fetchFollowerGoal, fetchOverlays, rotateOverlayToken, sceneCollection, setFollowerGoal, setNowPlaying, type OverlayList } from './obsApi';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;  // no clipboard permission (plain http): the URL stays selectable on the page
  }
}

export function ObsPanel({ channel, token }: { channel: string; token: string }) {
  const [list, setList] = useState<OverlayList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [title, setTitle] = useState('');
  const [artist, setArtist] = useState('');
  const [goal, setGoal] = useState('');
  const [goalSaved, setGoalSaved] = useState<number | null>(null);

  useEffect(() => {
    let current = true;
    fetchOverlays(token, channel)
      .then((l) => {
        if (!current) return;
        setList(l);
        setTitle(l.nowPlaying?.title ?? '');
        setArtist(l.nowPlaying?.artist ?? '');
      })
      .catch((e: unknown) => current && setError(e instanceof ApiError ? e.message : 'could not load the overlays'));
    fetchFollowerGoal(token, channel)
      .then((g) => {
        if (!current) return;
        setGoalSaved(g);
        setGoal(g === null ? '' : String(g));
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [channel, token]);

  const copy = async (what: string, text: string) => {
    setCopied((await copyText(text)) ? what : null);
  };
  const rotate = async () => {
    setConfirming(false);
    try {
      setList(await rotateOverlayToken(token, channel));
      setCopied(null);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not rotate the token');
    }
  };
  const savePlaying = async (clear: boolean) => {
    try {
      const np = await setNowPlaying(token, channel, clear ? { title: '', artist: '' } : { title: title.trim(), artist: artist.trim() });
      if (clear) {
        setTitle('');
        setArtist('');
      }
      setList((l) => (l ? { ...l, nowPlaying: np } : l));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not set now playing');
    }
  };

  const saveGoal = async () => {
    const n = goal.trim() === '' ? null : Number(goal);
    if (n !== null && (!Number.isInteger(n) || n < 0)) return setError('the follower goal is a whole number');
    try {
      setGoalSaved(await setFollowerGoal(token, channel, n));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not set the follower goal');
    }
  };

  return (
    <section class="dash-card obs-panel" id="obs-overlays" data-testid="obs-panel" data-loaded={list ? 'true' : 'false'}>
      <h2>OBS overlays</h2>
      <p class="muted">
        Add each as a <strong>Browser</strong> source in OBS at the size shown; leave custom CSS empty and "Shutdown source when not visible" off.
        Anyone with a URL can show that overlay: rotate the token if one leaks.
      </p>
      {error && (
        <p class="form-error" role="alert" data-testid="obs-error">
          {error}
        </p>
      )}
      {list && (
        <>
          <ul class="obs-list">
            {list.overlays.map((o) => (
              <li key={o.kind} class="obs-item" data-testid={`obs-overlay-${o.kind}`}>
                <span class="obs-title">{o.title}</span> <span class="muted">{`${o.width} × ${o.height}`}</span>
                <code class="obs-url" data-testid={`obs-url-${o.kind}`}>
                  {o.url}
                </code>
                <button type="button" class="btn" data-testid={`obs-copy-${o.kind}`} onClick={() => void copy(o.kind, o.url)}>
                  {copied === o.kind ? 'Copied' : 'Copy to OBS'}
                </button>
              </li>
            ))}
          </ul>
          <p class="obs-actions">
            <button
              type="button"
              class="btn"
              data-testid="obs-copy-scene"
              onClick={() => void copy('scene', JSON.stringify(sceneCollection(channel, list.overlays), null, 2))}
            >
              {copied === 'scene' ? 'Copied' : 'Copy all as OBS scene collection JSON'}
            </button>{' '}
            {confirming ? (
              <>
                <button type="button" class="btn btn-danger" data-testid="obs-rotate-confirm" onClick={() => void rotate()}>
                  Rotate: every overlay URL in use stops working
                </button>{' '}
                <button type="button" class="btn" onClick={() => setConfirming(false)}>
                  Keep the token
                </button>
              </>
            ) : (
              <button type="button" class="btn" data-testid="obs-rotate" onClick={() => setConfirming(true)}>
                Rotate token
              </button>
            )}
          </p>
          <form
            class="obs-now-playing"
            data-testid="obs-now-playing"
            onSubmit={(e) => {
              e.preventDefault();
              void savePlaying(false);
            }}
          >
            <h3>Now playing</h3>
            <label>
              Title <input value={title} maxLength={120} data-testid="obs-np-title" onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
            </label>{' '}
            <label>
              Artist <input value={artist} maxLength={120} data-testid="obs-np-artist" onInput={(e) => setArtist((e.target as HTMLInputElement).value)} />
            </label>{' '}
            <button type="submit" class="btn btn-primary" data-testid="obs-np-save" disabled={!title.trim()}>
              Show
            </button>{' '}
            <button type="button" class="btn" data-testid="obs-np-clear" onClick={() => void savePlaying(true)}>
              Clear
            </button>
          </form>
          <form
            class="obs-goal"
            data-testid="obs-goal"
            data-saved={goalSaved ?? ''}
            onSubmit={(e) => {
              e.preventDefault();
              void saveGoal();
            }}
          >
            <h3>Follower goal</h3>
            <label>
              Followers{' '}
              <input type="number" min={0} max={100000000} value={goal} data-testid="obs-goal-followers" onInput={(e) => setGoal((e.target as HTMLInputElement).value)} />
            </label>{' '}
            <button type="submit" class="btn btn-primary" data-testid="obs-goal-save">
              Save
            </button>{' '}
            <span class="muted">The goals overlay shows it beside the tip campaign (Tips tab); empty removes it.</span>
          </form>
        </>
      )}
    </section>
  );
}
