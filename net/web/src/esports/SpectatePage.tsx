// /t/<id>/spectate: spectator mode. Up to four live match streams at once (the channels linked
// to the tournament's running matches, or the ones the viewer picks) in a 1, 2 or 4 grid, one
// of them with sound: clicking a tile moves the audio focus there and mutes the others. The
// compact bracket and the tournament chat sit beside them. Each tile is the channel page's
// player (player.ts: WebSocket fMP4, then LL-HLS, then HLS).
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchChannel } from '../api';
import { useSession } from '../auth';
import { ChatPanel } from '../chat/ChatPanel';
import { createPlayer, type Player } from '../player';
import { startPolling } from '../poll';
import { BracketView } from './Bracket';
import { liveChannels, tournamentRoom } from './model';
import { tournamentPath } from './routes';
import { useTournament } from './useTournament';

const MAX_TILES = 4;
type Grid = 1 | 2 | 4;

export function SpectatePage({ id }: { id: string }) {
  const session = useSession();
  const view = useTournament(id, session?.token ?? null);
  const t = view.tournament;
  /** The viewer's own pick; null follows the tournament's running matches. */
  const [picked, setPicked] = useState<string[] | null>(null);
  const [grid, setGrid] = useState<Grid | null>(null);
  const [focus, setFocus] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t ? t.name : 'Tournament'} · Spectate · AeThex LIVE`;
  }, [t?.name]);

  const auto = t ? liveChannels(t, MAX_TILES) : [];
  const channels = (picked ?? auto).slice(0, MAX_TILES);
  const all = t ? [...new Set(t.matches.flatMap((m) => m.channels))] : [];
  const cells: Grid = grid ?? (channels.length <= 1 ? 1 : channels.length === 2 ? 2 : 4);
  const shown = channels.slice(0, cells);
  // Exactly one tile has the sound: the focused one, else the first.
  const audio = focus !== null && shown.includes(focus) ? focus : shown[0] ?? null;

  const toggle = (c: string) => {
    const now = picked ?? auto;
    setPicked(now.includes(c) ? now.filter((x) => x !== c) : [...now, c].slice(0, MAX_TILES));
  };

  return (
    <main class="esports-page spectate-layout" id="spectate-page" data-state={view.state}>
      <section class="spectate-main">
        <header class="spectate-head">
          <h1>
            {t ? <a href={tournamentPath(t.id)}>{t.name}</a> : 'Tournament'} <span class="muted">· Spectate</span>
          </h1>
          <div class="bracket-zoom" role="group" aria-label="Layout">
            {([1, 2, 4] as const).map((g) => (
              <button type="button" class="btn-chip" id={`spectate-grid-${g}`} aria-pressed={cells === g} onClick={() => setGrid(g)}>
                {g === 1 ? '1 stream' : `${g} streams`}
              </button>
            ))}
          </div>
        </header>
        {all.length > 0 && (
          <fieldset class="spectate-pick">
            <legend>Streams</legend>
            {all.map((c) => (
              <label class="es-check">
                <input type="checkbox" class="spectate-pick-channel" value={c} checked={channels.includes(c)} onChange={() => toggle(c)} />
                {c}
              </label>
            ))}
          </fieldset>
        )}
        {shown.length === 0 ? (
          <p class="muted" id="spectate-empty">
            No match is being streamed right now.
          </p>
        ) : (
          <div class={`spectate-grid grid-${cells}`} id="spectate-grid" data-tiles={shown.length}>
            {shown.map((c) => (
              <StreamTile key={c} channel={c} audio={c === audio} onFocus={() => setFocus(c)} />
            ))}
          </div>
        )}
      </section>
      <aside class="spectate-side">
        {t && (
          <div class="spectate-bracket">
            <BracketView tournament={t} selected={null} onSelect={() => undefined} compact />
          </div>
        )}
        <div class="chat-column t-chat" id="chat">
          <ChatPanel channel={tournamentRoom(id)} />
        </div>
      </aside>
    </main>
  );
}

/** One live channel: the channel page's player on its own video, muted unless it has the focus. */
function StreamTile({ channel, audio, onFocus }: { channel: string; audio: boolean; onFocus(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const player = useRef<Player | null>(null);
  const audioRef = useRef(audio);
  audioRef.current = audio;
  const [hls, setHls] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'playing' | 'offline'>('loading');

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    // The player mutes to be allowed to autoplay; the focused tile takes its sound back.
    const unmute = () => {
      v.muted = !audioRef.current;
    };
    v.addEventListener('playing', unmute);
    const p = createPlayer(v, {
      onPlaying: () => setState('playing'),
      onBuffering: () => setState((s) => (s === 'offline' ? s : 'loading')),
      onUnsupported: () => setState('offline'),
    });
    player.current = p;
    return () => {
      v.removeEventListener('playing', unmute);
      p.destroy();
      player.current = null;
    };
  }, []);

  useEffect(() => {
    const v = video.current;
    if (v) v.muted = !audio;
  }, [audio]);

  // Whether the channel is live (and where its playlist is), like the channel page's poll.
  useEffect(() => {
    const poller = startPolling(
      async (signal) => {
        const ch = await fetchChannel(channel, signal);
        if (signal.aborted) return;
        setHls(ch.live ? ch.hls : null);
        if (!ch.live) setState('offline');
      },
      { intervalMs: 3000, onError: () => undefined },
    );
    return () => poller.stop();
  }, [channel]);

  useEffect(() => {
    const p = player.current;
    if (!p) return;
    if (hls) p.load(hls);
    else p.stop();
  }, [hls]);

  return (
    <div
      class={`spectate-tile ${audio ? 'focused' : ''}`}
      data-channel={channel}
      data-focused={audio ? 'true' : 'false'}
      data-state={state}
      role="button"
      tabIndex={0}
      aria-pressed={audio}
      aria-label={`${channel}${audio ? ' (sound on)' : ': click for sound'}`}
      onClick={onFocus}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onFocus();
        }
      }}
    >
      <video ref={video} class="spectate-video" muted autoplay playsInline />
      <span class="spectate-name">
        {channel}
        {audio && <span class="spectate-sound"> · sound on</span>}
      </span>
      {state === 'offline' && <span class="spectate-offline">{channel} is offline</span>}
    </div>
  );
}
