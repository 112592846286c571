// The chat column of a VOD page: the recorded chat, each message appearing when the video
// reaches the moment it was sent. The scheduling (windows to fetch, what is due, seeks) is the
// pure ./replay.ts; this component feeds it the video's position and the server's answers.
// The channel's custom emotes (as they are now) show as images.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../format';
import { fetchVodChat, type Vod } from '../vodApi';
import { useAlive } from '../components/useAlive';
import { Badges, Segments } from './MessageParts';
import { fetchEmotes, withOrgEmotes, type CustomEmote } from './customEmotes';
import { dueCount, initialReplay, plan, receive, release, visibleMessages, type Replay, type ReplayMessage } from './replay';
import './chat.css';

/** After a failed window, wait this long before asking again (timeupdate comes 4 times a second). */
const RETRY_MS = 3000;

export function ReplayPanel({ vod, video, startS, token }: { vod: Vod; video: RefObject<HTMLVideoElement | null>; startS: number; token: string | null }) {
  // The replay is read and replaced synchronously (answers and video events interleave), so it
  // lives in a ref; the state only renders it.
  const replayRef = useRef(initialReplay);
  const [replay, setReplay] = useState(initialReplay);
  const [t, setT] = useState(startS);
  const list = useRef<HTMLDivElement>(null);
  const alive = useAlive();
  const [emotes, setEmotes] = useState<readonly CustomEmote[]>([]);

  useEffect(() => {
    if (!vod.channel) return;
    const ctl = new AbortController();
    fetchEmotes(vod.channel, ctl.signal)
      .then((l) => setEmotes(withOrgEmotes(l.emotes, l.org_emotes ?? [])))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [vod.channel]);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const endS = vod.state === 'ready' ? vod.duration_s : null;
    let position = el.readyState >= HTMLMediaElement.HAVE_METADATA ? el.currentTime : startS;
    const update = (next: Replay) => {
      replayRef.current = next;
      setReplay(next);
    };
    const step = () => {
      const { replay: next, fetch } = plan(replayRef.current, position, endS);
      update(next);
      if (!fetch) return;
      fetchVodChat(vod.id, fetch.from_s, fetch.to_s, token)
        .then((messages) => {
          if (!alive.current) return;
          update(receive(replayRef.current, fetch, messages));
          step();
        })
        .catch(() =>
          setTimeout(() => {
            if (!alive.current) return;
            update(release(replayRef.current, fetch));
            step();
          }, RETRY_MS),
        );
    };
    // `seeking` already carries the new position: the old lines go and the new window is asked
    // for while the video fetches its own data.
    const onTime = () => {
      position = el.currentTime;
      setT(position);
      step();
    };
    const events = ['timeupdate', 'seeking', 'seeked'] as const;
    for (const e of events) el.addEventListener(e, onTime);
    step();
    return () => {
      for (const e of events) el.removeEventListener(e, onTime);
    };
  }, [video, vod, token]);

  const due = dueCount(replay, t);
  const lines = visibleMessages(replay, due);

  // Keep the newest line in view unless the reader scrolled up.
  useEffect(() => {
    const el = list.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [due, replay.epoch]);

  return (
    <div class="chat-panel replay-panel" data-epoch={replay.epoch} data-loading={replay.pending ? 'true' : 'false'}>
      <div class="chat-header">
        <span>Chat replay</span>
      </div>
      <div class="chat-messages" id="vod-chat-messages" ref={list} aria-live="polite">
        {lines.length === 0 && <p class="chat-system muted">{replay.pending ? 'Loading chat…' : 'Messages appear here as the video plays.'}</p>}
        {lines.map((m) => (
          <ReplayLine key={m.id} m={m} emotes={emotes} />
        ))}
      </div>
    </div>
  );
}

function ReplayLine({ m, emotes }: { m: ReplayMessage; emotes: readonly CustomEmote[] }) {
  return (
    <div class="chat-msg chat-line" data-id={m.id} data-user={m.user} data-offset={m.offset_s}>
      <span class="chat-time">{formatDuration(m.offset_s, false)}</span>
      <Badges badges={m.badges} />
      <span class="chat-user">{m.user}</span>
      <span class="chat-text">
        <Segments text={m.text} emotes={emotes} />
      </span>
    </div>
  );
}
