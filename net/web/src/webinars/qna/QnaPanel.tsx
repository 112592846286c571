// A webinar's Q&A beside the stream (docs/webinars.md, section Q&A): an ask box, the questions
// sorted by votes (or time) with upvotes, the question on screen shown on top, and for
// moderators the pending queue, approve / hide / on screen / answered and the export links.
// Read over REST when mounted (and after every reconnect), then kept current by the room's `qa`
// frames; a moderator re-reads when a frame says the pending queue changed (pending questions
// never travel through the room).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../../auth';
import { downloadCsv } from '../../csvDownload';
import { useRoomFrames } from '../../engagement/useLiveEngagement';
import { askQuestion, errorText, exportUrl, fetchQna, moderateQuestion, setModeration, voteQuestion, type ModAction } from './api';
import { mergeQuestion, onScreen, parseQnaFrame, questionTextError, section, sortQuestions, type QnaSort, type QnaState, type Question } from './model';
import './qna.css';

export interface QnaPanelProps {
  webinarId: string;
  /** The page knows the viewer moderates; the server's answer (`can.moderate`) decides too. */
  canModerate?: boolean;
}

export function QnaPanel({ webinarId, canModerate = false }: QnaPanelProps) {
  const session = useSession();
  const token = session?.token ?? null;
  const [state, setState] = useState<QnaState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  const reload = useCallback(() => setEpoch((e) => e + 1), []);

  useEffect(() => {
    let current = true;
    fetchQna(webinarId, token)
      .then((s) => current && (setState(s), setError(null)))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [webinarId, token, epoch]);

  if (!state) return <section class="qna-panel" data-testid="qna-panel">{error ? <p class="qna-error">{error}</p> : <p>Loading questions…</p>}</section>;
  // The admin token moderates but is nobody's account: it neither asks nor votes.
  return <QnaLive state={state} setState={setState} token={token} account={hasAccount(session)} moderator={canModerate || state.canModerate} reload={reload} />;
}

interface LiveProps {
  state: QnaState;
  setState: (f: (s: QnaState | null) => QnaState | null) => void;
  token: string | null;
  account: boolean;
  moderator: boolean;
  reload: () => void;
}

function QnaLive({ state, setState, token, account, moderator, reload }: LiveProps) {
  const [sort, setSort] = useState<QnaSort>('votes');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const modRef = useRef(moderator);
  modRef.current = moderator;
  const webinar = state.webinar;

  const merge = useCallback(
    (q: Question, own = false) =>
      setState((s) => (s ? { ...s, questions: mergeQuestion(s.questions, q, { own, keepHidden: modRef.current }) } : s)),
    [setState],
  );

  useRoomFrames(
    state.channel,
    (f) => {
      const e = parseQnaFrame(f, webinar);
      if (!e) return;
      if (e.kind === 'question') merge(e.question);
      else if (modRef.current) reload();
    },
    reload,
  );

  async function run<T>(call: () => Promise<T>, then: (v: T) => void) {
    setBusy(true);
    setError(null);
    try {
      then(await call());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  function ask(ev: Event) {
    ev.preventDefault();
    const problem = questionTextError(text);
    if (problem) return setError(problem);
    if (!token) return;
    void run(
      () => askQuestion(token, webinar, text.trim()),
      (q) => {
        merge(q, true);
        setText('');
        setNotice(q.status === 'pending' ? 'Sent: a moderator will review your question.' : null);
      },
    );
  }

  const vote = (q: Question) => token && void run(() => voteQuestion(token, webinar, q.id, !q.voted), (r) => merge(r, true));
  const act = (q: Question, a: ModAction) => token && void run(() => moderateQuestion(token, webinar, q.id, a), (r) => merge(r, true));
  const toggleModeration = () =>
    token && void run(() => setModeration(token, webinar, !state.moderation), (m) => setState((s) => (s ? { ...s, moderation: m } : s)));
  const download = (format: 'json' | 'csv') =>
    token && void run(() => downloadCsv(exportUrl(webinar, format), token, `webinar-${webinar}-qa.${format}`), () => {});

  const screen = onScreen(state.questions);
  const open = sortQuestions(section(state.questions, 'open'), sort);
  const answered = sortQuestions(section(state.questions, 'answered'), 'time');
  const pending = sortQuestions(section(state.questions, 'pending'), 'time');
  const hidden = sortQuestions(section(state.questions, 'hidden'), 'time');
  const mine = (q: Question) => q.author !== '' && !moderator && q.status === 'pending';

  const item = (q: Question) => (
    <li key={q.id} class={`qna-item qna-${q.status}${q.on_screen ? ' qna-onscreen' : ''}`} data-testid="qna-question" data-id={q.id} data-status={q.status}>
      <div class="qna-body">
        <p class="qna-text">{q.text}</p>
        <p class="qna-meta">
          {q.author}
          {mine(q) && <span class="qna-badge"> · awaiting review</span>}
          {q.status === 'answered' && <span class="qna-badge"> · answered</span>}
        </p>
      </div>
      <div class="qna-actions">
        {q.status !== 'pending' && q.status !== 'hidden' && (
          <button type="button" class={`qna-vote${q.voted ? ' qna-voted' : ''}`} data-testid="qna-vote" aria-pressed={q.voted} disabled={!token || !account || busy || !state.canAsk} onClick={() => vote(q)}>
            ▲ {q.votes}
          </button>
        )}
        {moderator && (
          <span class="qna-mod">
            {(q.status === 'pending' || q.status === 'hidden') && <button type="button" data-testid="qna-approve" disabled={busy} onClick={() => act(q, 'approve')}>Approve</button>}
            {q.status !== 'hidden' && <button type="button" data-testid="qna-hide" disabled={busy} onClick={() => act(q, 'hide')}>Hide</button>}
            {q.status !== 'pending' && q.status !== 'hidden' && (
              <button type="button" data-testid="qna-screen" disabled={busy} onClick={() => act(q, q.on_screen ? 'off_screen' : 'on_screen')}>
                {q.on_screen ? 'Off screen' : 'On screen'}
              </button>
            )}
            {q.status === 'approved' && <button type="button" data-testid="qna-answered" disabled={busy} onClick={() => act(q, 'answered')}>Answered</button>}
          </span>
        )}
      </div>
    </li>
  );

  return (
    <section class="qna-panel" data-testid="qna-panel" aria-label="Questions">
      {screen && (
        <div class="qna-screen" data-testid="qna-on-screen" role="status">
          <span class="qna-kind">On screen</span>
          <p class="qna-screen-text">{screen.text}</p>
          <p class="qna-meta">{screen.author}</p>
        </div>
      )}
      {state.canAsk && token && account ? (
        <form class="qna-ask" onSubmit={ask}>
          <textarea data-testid="qna-text" maxLength={500} rows={2} placeholder="Ask a question" value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          <button type="submit" data-testid="qna-ask" disabled={busy}>Ask</button>
        </form>
      ) : (
        <p class="qna-note">{!token ? 'Sign in to ask and vote.' : account ? 'Only registered attendees may ask questions.' : 'Questions come from viewers’ accounts.'}</p>
      )}
      {notice && <p class="qna-note" role="status">{notice}</p>}
      {error && <p class="qna-error" role="alert">{error}</p>}
      {moderator && (
        <div class="qna-tools">
          <label>
            <input type="checkbox" checked={state.moderation} disabled={busy} onChange={toggleModeration} /> Review questions first
          </label>
          <button type="button" data-testid="qna-export-csv" onClick={() => download('csv')}>Export CSV</button>
          <button type="button" onClick={() => download('json')}>Export JSON</button>
        </div>
      )}
      {moderator && pending.length > 0 && (
        <div class="qna-queue">
          <h3>Waiting for review ({pending.length})</h3>
          <ul class="qna-list" data-testid="qna-pending">{pending.map(item)}</ul>
        </div>
      )}
      {!moderator && pending.length > 0 && <ul class="qna-list">{pending.map(item)}</ul>}
      <div class="qna-head">
        <h3>Questions ({open.length})</h3>
        <select aria-label="Sort questions" value={sort} onChange={(e) => setSort((e.target as HTMLSelectElement).value as QnaSort)}>
          <option value="votes">Top</option>
          <option value="time">Newest</option>
        </select>
      </div>
      <ul class="qna-list" data-testid="qna-open">{open.map(item)}</ul>
      {answered.length > 0 && (
        <>
          <h3>Answered ({answered.length})</h3>
          <ul class="qna-list">{answered.map(item)}</ul>
        </>
      )}
      {moderator && hidden.length > 0 && (
        <details>
          <summary>Hidden ({hidden.length})</summary>
          <ul class="qna-list">{hidden.map(item)}</ul>
        </details>
      )}
    </section>
  );
}
