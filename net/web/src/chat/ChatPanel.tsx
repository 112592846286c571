// The chat column of a channel page: history and live messages over the page's live connection
// (../live/connection.ts), a send box, notices, reactions with a floating burst, the pinned
// announcement, and moderation buttons and the announce form for the room's moderators. Raids:
// the countdown goes to the page (`onRaid`), `raid_go` takes the page to the target, and a raid
// arriving here is a highlighted line. The channel's custom emotes show as images, and the send
// box has an emote picker.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLive, useLiveSnapshot } from '../live/LiveContext';
import { modPath, navigate, raidArrivalPath } from '../router';
import type { Raid } from '../raidApi';
import { applyFrame, canModerate, initialChat, type ChatLine, type ChatState } from './chatModel';
import { REACTIONS } from './emotes';
import type { CustomEmote } from './customEmotes';
import { EmotePicker, insertEmote } from './EmotePicker';
import { Badges, Segments } from './MessageParts';
import { useChannelEmotes } from './useChannelEmotes';
import { useMySubTier } from '../subs/useMySub';
import { UserCard } from '../moderation/UserCard';
import './chat.css';

const BURST_MS = 1600;
const MAX_BURST_PER_KIND = 8;
/** The server's limit of a message, in characters. */
const CHAT_MAX = 500;

interface Burst {
  id: number;
  glyph: string;
  left: number;
  delay: number;
}

export function ChatPanel({ channel, onRaid }: { channel: string; onRaid?: (raid: Raid | null) => void }) {
  const { connection, setGuest } = useLive();
  const live = useLiveSnapshot();
  const [chat, setChat] = useState<ChatState>(initialChat);
  const [guestDraft, setGuestDraft] = useState('');
  const [draft, setDraft] = useState('');
  const [announceDraft, setAnnounceDraft] = useState('');
  const [bursts, setBursts] = useState<Burst[]>([]);
  /** The chatter whose card a moderator opened by clicking their name. */
  const [card, setCard] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const emotes = useChannelEmotes(channel);
  const subTier = useMySubTier(channel);
  const burstSeq = useRef(0);

  // The connection re-joins after every reconnect or identity change, resetting the chat first
  // because the server then sends the room's history again.
  useEffect(
    () =>
      connection.joinRoom(
        channel,
        (frame) => {
          let reactions: Record<string, number> | undefined;
          let raidGo: string | undefined;
          setChat((s) => {
            const r = applyFrame(s, frame);
            reactions = r.reactions;
            raidGo = r.raidGo;
            return r.state;
          });
          if (reactions) showBurst(reactions);
          if (raidGo) navigate(raidArrivalPath(raidGo, channel));
        },
        () => setChat(initialChat),
      ),
    [connection, channel],
  );

  useEffect(() => onRaid?.(chat.raid), [chat.raid]);

  // Keep the newest line in view unless the reader scrolled up.
  useEffect(() => {
    const el = list.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [chat.lines]);

  // The announce box empties only once the server pinned our text: a refusal (rate limit, too
  // long) arrives as a notice and leaves the text there to retry.
  useEffect(() => {
    const a = chat.announcement;
    if (a && a.user === chat.user && a.text === announceDraft.trim()) setAnnounceDraft('');
  }, [chat.announcement]);

  const send = (frame: Record<string, unknown>) => {
    connection.send(frame);
  };

  function showBurst(counts: Record<string, number>) {
    const added: Burst[] = [];
    for (const [kind, n] of Object.entries(counts)) {
      const glyph = REACTIONS.find((r) => r.kind === kind)?.glyph;
      if (!glyph) continue;
      for (let i = 0; i < Math.min(n, MAX_BURST_PER_KIND); i++)
        added.push({ id: ++burstSeq.current, glyph, left: 10 + Math.random() * 80, delay: Math.random() * 300 });
    }
    if (!added.length) return;
    setBursts((b) => [...b, ...added]);
    const ids = new Set(added.map((b) => b.id));
    window.setTimeout(() => setBursts((b) => b.filter((x) => !ids.has(x.id))), BURST_MS + 400);
  }

  // Before this room's first join the socket may still be closed: that is "connecting" here.
  const status = live.status === 'closed' && !chat.joined ? 'connecting' : live.status;
  const canWrite = chat.user !== null;
  const moderator = canModerate(chat.role);
  const submit = (e: Event) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    send({ type: 'send', text });
    setDraft('');
  };
  const announce = (e: Event) => {
    e.preventDefault();
    const text = announceDraft.trim();
    if (text) send({ type: 'announce', text });
  };
  // The picked emote goes in at the caret (over a selection), and the caret after it.
  const pickEmote = (code: string) => {
    const el = input.current;
    const at = el?.selectionStart ?? draft.length;
    const next = insertEmote(draft, at, el?.selectionEnd ?? at, code);
    if (next.text.length > CHAT_MAX) return;
    setDraft(next.text);
    if (el) {
      el.value = next.text;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    }
  };
  const joinAsGuest = (e: Event) => {
    e.preventDefault();
    const name = guestDraft.trim();
    if (!/^[A-Za-z0-9_]{2,20}$/.test(name)) return;
    setGuest(name);
  };

  return (
    <div class="chat-panel" data-status={status}>
      <div class="chat-header">
        <span>Stream chat</span>
        <span class="chat-viewers" id="chat-viewers" title="viewers in chat">
          {chat.viewers !== null ? `👤 ${chat.viewers}` : ''}
        </span>
      </div>
      {chat.settings && (chat.settings.slow_s > 0 || chat.settings.emote_only) && (
        <div class="chat-modes" id="chat-modes">
          {chat.settings.slow_s > 0 && <span>Slow mode {chat.settings.slow_s} s</span>}
          {chat.settings.emote_only && <span>Emote-only</span>}
        </div>
      )}
      {chat.announcement && (
        <div class="chat-announcement" id="chat-announcement" role="status" data-id={chat.announcement.id}>
          <span class="chat-announcement-icon" aria-hidden="true">
            📣
          </span>
          <span class="chat-announcement-body">
            {chat.announcement.user && <span class="chat-user">{chat.announcement.user}</span>}
            <span class="chat-text">
              <Segments text={chat.announcement.text} emotes={emotes} />
            </span>
          </span>
          {moderator && (
            <button type="button" id="chat-announce-clear" class="chat-announce-clear" title="Clear announcement" onClick={() => send({ type: 'unannounce' })}>
              ✕
            </button>
          )}
        </div>
      )}
      {moderator && (
        <form class="chat-announce-form" id="chat-announce-form" onSubmit={announce}>
          <input
            id="chat-announce-input"
            class="chat-input"
            maxLength={500}
            placeholder="Pin an announcement"
            value={announceDraft}
            onInput={(e) => setAnnounceDraft((e.target as HTMLInputElement).value)}
          />
          <button id="chat-announce-send" type="submit" class="chat-announce-send" disabled={status !== 'open' || !announceDraft.trim()}>
            Announce
          </button>
        </form>
      )}
      <div class="chat-messages" id="chat-messages" ref={list} aria-live="polite">
        {status !== 'open' && <p class="chat-system muted">{status === 'connecting' ? 'Connecting to chat…' : 'Chat disconnected, reconnecting…'}</p>}
        {chat.lines.map((line) => (
          <Line key={line.key} line={line} me={chat.user} moderator={moderator} send={send} channel={channel} emotes={emotes} onOpenUser={setCard} />
        ))}
      </div>
      <div class="reaction-burst" id="reaction-burst" aria-hidden="true">
        {bursts.map((b) => (
          <span key={b.id} class="burst" style={{ left: `${b.left}%`, animationDelay: `${b.delay}ms` }}>
            {b.glyph}
          </span>
        ))}
      </div>
      <div class="chat-reactions" id="chat-reactions">
        {REACTIONS.map((r) => (
          <button
            type="button"
            class="reaction-btn"
            data-kind={r.kind}
            title={r.kind}
            disabled={!canWrite}
            onClick={() => send({ type: 'react', kind: r.kind })}
          >
            {r.glyph}
          </button>
        ))}
      </div>
      {canWrite ? (
        <form class="chat-form" id="chat-form" onSubmit={submit}>
          <input
            id="chat-input"
            ref={input}
            class="chat-input"
            aria-label="Chat message"
            maxLength={CHAT_MAX}
            placeholder={`Chat as ${chat.user}`}
            value={draft}
            onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
          />
          <EmotePicker emotes={emotes} onPick={pickEmote} viewerTier={subTier} />
          <button id="chat-send" type="submit" class="chat-send" disabled={status !== 'open'}>
            Chat
          </button>
        </form>
      ) : (
        <form class="chat-form" id="chat-guest-form" onSubmit={joinAsGuest}>
          <input
            id="chat-guest-name"
            class="chat-input"
            maxLength={20}
            placeholder="Pick a guest name to chat"
            value={guestDraft}
            onInput={(e) => setGuestDraft((e.target as HTMLInputElement).value)}
          />
          <button id="chat-guest-join" type="submit" class="chat-send">
            Join
          </button>
        </form>
      )}
      {card && moderator && <UserCard channel={channel} user={card} onClose={() => setCard(null)} />}
    </div>
  );
}

function Line({
  line,
  me,
  moderator,
  send,
  channel,
  emotes,
  onOpenUser,
}: {
  line: ChatLine;
  me: string | null;
  moderator: boolean;
  send: (f: Record<string, unknown>) => void;
  channel: string;
  emotes: readonly CustomEmote[];
  onOpenUser: (user: string) => void;
}) {
  if (line.kind === 'system' && line.code === 'raided')
    return (
      <p class="chat-system chat-raided" data-code="raided" data-testid="raided-line" role="status">
        <span aria-hidden="true">🚀 </span>
        {line.text}
      </p>
    );
  if (line.kind === 'system' && line.code === 'redemption')
    return (
      <p class="chat-system chat-redemption" data-code="redemption" data-testid="redemption-line">
        <span aria-hidden="true">🪙 </span>
        {line.text}
      </p>
    );
  if (line.kind === 'system' && line.code === 'held')
    return (
      <p class="chat-system chat-notice chat-held" data-code="held" data-testid="held-notice" role="status">
        {line.text}
      </p>
    );
  if (line.kind === 'system' && line.code === 'automod_held')
    return (
      <p class="chat-system chat-held" data-code="automod_held" data-testid="automod-held-line">
        {line.text} · <a href={modPath(channel)}>Mod queue</a>
      </p>
    );
  if (line.kind === 'system')
    return <p class={`chat-system${line.own ? ' chat-notice' : ''}`} data-code={line.code}>{line.text}</p>;
  const m = line.msg;
  const showTools = moderator && m.user !== me;
  return (
    <div class="chat-msg" data-id={m.id} data-user={m.user}>
      <Badges badges={m.badges} />
      {moderator ? (
        <button type="button" class="chat-user chat-user-button" data-testid="chat-user" aria-label={`User card of ${m.user}`} onClick={() => onOpenUser(m.user)}>
          {m.user}
        </button>
      ) : (
        <span class="chat-user">{m.user}</span>
      )}
      <span class="chat-text">
        <Segments text={m.text} emotes={emotes} />
      </span>
      {showTools && (
        <span class="chat-tools">
          <button type="button" class="mod-delete" title="Delete message" onClick={() => send({ type: 'delete', id: m.id })}>
            🗑
          </button>
          <button type="button" class="mod-timeout" title="Time out 10 minutes" onClick={() => send({ type: 'timeout', user: m.user, seconds: 600 })}>
            ⏱
          </button>
          <button type="button" class="mod-ban" title="Ban" onClick={() => send({ type: 'ban', user: m.user })}>
            ⛔
          </button>
        </span>
      )}
    </div>
  );
}
