// /messages/<user>: one conversation. Loads the newest page, older pages on demand (?before=id),
// takes new messages live from the "messages" topic, and marks the thread read while open.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  DM_MAX_CHARS,
  DM_PAGE_SIZE,
  draftProblem,
  fetchConversation,
  inConversation,
  markDmRead,
  mergeMessages,
  parseDmMessage,
  sendDm,
  sendErrorText,
  type DmMessage,
} from '../dmApi';
import { ApiError } from '../api';
import { formatAgo } from '../format';
import { useResubscribed, useTopic } from '../live/LiveContext';
import { useAlive } from '../components/useAlive';

type Status = 'loading' | 'ready' | 'error';

export function ConversationView({ token, me, other }: { token: string; me: string; other: string }) {
  const [messages, setMessages] = useState<DmMessage[]>([]);
  const [status, setStatus] = useState<Status>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);
  // Set before prepending older messages: the scroll height to keep the view where it was.
  const keepFrom = useRef<number | null>(null);
  const readUpTo = useRef(0);
  const loadedOnce = useRef(false);
  const alive = useAlive();

  const load = () => {
    fetchConversation(token, other)
      .then((page) => {
        if (!alive.current) return;
        setMessages((m) => mergeMessages(m, page));
        // Only the first page says whether older ones exist; a reload after a drop does not.
        if (!loadedOnce.current) setHasOlder(page.length >= DM_PAGE_SIZE);
        loadedOnce.current = true;
        setStatus('ready');
      })
      .catch((e) => {
        if (!alive.current) return;
        setLoadError(e instanceof ApiError && e.status === 404 ? `There is no user named ${other}.` : sendErrorText(e));
        setStatus((s) => (s === 'ready' ? s : 'error'));
      });
  };
  useEffect(load, [token, other]);
  useResubscribed('messages', load);

  useTopic('messages', (frame) => {
    const m = frame.type === 'dm' ? parseDmMessage(frame.message) : null;
    if (!m || !inConversation(m, me, other)) return;
    setMessages((list) => mergeMessages(list, [m]));
  });

  // Open means read: everything up to the newest message shown.
  useEffect(() => {
    const last = messages[messages.length - 1];
    if (!last || last.id <= readUpTo.current) return;
    readUpTo.current = last.id;
    markDmRead(token, other, last.id).catch(() => undefined);
  }, [messages]);

  // New messages keep the view at the bottom (unless the reader scrolled up); older ones keep it
  // where it was.
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    if (keepFrom.current !== null) {
      el.scrollTop += el.scrollHeight - keepFrom.current;
      keepFrom.current = null;
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [messages]);

  async function loadOlder() {
    const first = messages[0];
    if (!first) return;
    setLoadingOlder(true);
    try {
      const page = await fetchConversation(token, other, first.id);
      if (!alive.current) return;
      keepFrom.current = log.current?.scrollHeight ?? null;
      setMessages((m) => mergeMessages(page, m));
      setHasOlder(page.length >= DM_PAGE_SIZE);
    } catch {
      // The button stays: another click retries.
    } finally {
      if (alive.current) setLoadingOlder(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    const problem = draftProblem(draft);
    if (problem) return setError(problem);
    setSending(true);
    setError(null);
    try {
      const sent = await sendDm(token, other, draft.trim());
      if (!alive.current) return;
      setMessages((m) => mergeMessages(m, [sent]));
      setDraft('');
    } catch (err) {
      if (alive.current) setError(sendErrorText(err));
    } finally {
      if (alive.current) setSending(false);
    }
  }

  const now = Date.now();
  return (
    <main class="home dm-page" id="dm-conversation" data-with={other} data-state={status}>
      <div class="dm-head">
        <a href="/messages" id="dm-back">
          ← Messages
        </a>
        <h1 class="section-title">{other}</h1>
      </div>
      <div class="dm-log" id="dm-log" ref={log} aria-live="polite">
        {hasOlder && (
          <button type="button" class="btn dm-older" data-testid="dm-older" disabled={loadingOlder} onClick={loadOlder}>
            {loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        )}
        {status === 'loading' && <p class="muted">Loading…</p>}
        {status === 'error' && (
          <p class="notice" id="dm-load-error">
            {loadError}
          </p>
        )}
        {status === 'ready' && messages.length === 0 && <p class="muted">No messages yet. Say hi!</p>}
        {messages.map((m) => (
          <div key={m.id} class={`dm-message${m.from === me ? ' mine' : ''}`} data-testid="dm-message" data-id={m.id} data-from={m.from}>
            {m.text}
            <span class="dm-message-time" title={new Date(m.at_ms).toLocaleString()}>
              {formatAgo(m.at_ms, now)}
            </span>
          </div>
        ))}
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid="dm-error">
          {error}
        </p>
      )}
      <form class="dm-form" id="dm-form" onSubmit={submit}>
        <input
          data-testid="dm-input"
          aria-label={`Message ${other}`}
          placeholder={`Message ${other}`}
          maxLength={DM_MAX_CHARS * 2}
          value={draft}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn btn-primary" data-testid="dm-send" disabled={sending || !draft.trim()}>
          Send
        </button>
      </form>
    </main>
  );
}
