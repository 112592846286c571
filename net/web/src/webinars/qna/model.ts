// The Q&A of a webinar as the panel keeps it (docs/webinars.md, section Q&A): questions parsed
// from the API and from the room's `qa` frames, merged by id, sorted by votes or time.
import type { Frame } from '../../live/connection';

export type QuestionStatus = 'pending' | 'approved' | 'hidden' | 'answered';
export type QnaSort = 'votes' | 'time';

export interface Question {
  id: number;
  author: string;
  text: string;
  votes: number;
  /** The caller voted for it; frames do not know (they keep what the panel had). */
  voted: boolean;
  status: QuestionStatus;
  on_screen: boolean;
  asked_at_ms: number;
  answered_at_ms: number | null;
}

export interface QnaState {
  webinar: string;
  channel: string;
  moderation: boolean;
  canAsk: boolean;
  canModerate: boolean;
  questions: Question[];
}

const statuses: readonly QuestionStatus[] = ['pending', 'approved', 'hidden', 'answered'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One question from the API or a frame; null when it is not one. */
export function parseQuestion(v: unknown): Question | null {
  if (!isObject(v) || typeof v.id !== 'number' || !statuses.includes(v.status as QuestionStatus)) return null;
  return {
    id: v.id,
    author: typeof v.author === 'string' ? v.author : '',
    text: typeof v.text === 'string' ? v.text : '',
    votes: typeof v.votes === 'number' ? v.votes : 0,
    voted: v.voted === true,
    status: v.status as QuestionStatus,
    on_screen: v.on_screen === true,
    asked_at_ms: typeof v.asked_at_ms === 'number' ? v.asked_at_ms : 0,
    answered_at_ms: typeof v.answered_at_ms === 'number' ? v.answered_at_ms : null,
  };
}

/** GET webinars/{id}/qa. */
export function parseQna(v: unknown): QnaState | null {
  if (!isObject(v) || typeof v.webinar !== 'string' || !Array.isArray(v.questions)) return null;
  const can = isObject(v.can) ? v.can : {};
  return {
    webinar: v.webinar,
    channel: typeof v.channel === 'string' ? v.channel : '',
    moderation: v.moderation !== false,
    canAsk: can.ask === true,
    canModerate: can.moderate === true,
    questions: v.questions.map(parseQuestion).filter((q): q is Question => q !== null),
  };
}

/** What a room frame means for webinar `webinar`'s Q&A. */
export type QnaEvent = { kind: 'question'; question: Question } | { kind: 'pending'; pending: number };

export function parseQnaFrame(f: Frame, webinar: string): QnaEvent | null {
  if (f.type !== 'qa' || f.webinar !== webinar) return null;
  if (typeof f.pending === 'number') return { kind: 'pending', pending: f.pending };
  const q = parseQuestion(f.question);
  return q ? { kind: 'question', question: q } : null;
}

/**
 * `list` with `q` merged in: replaced by id (keeping the caller's own `voted` unless `q` comes
 * from the caller's own answer), appended when new. Only one question is on screen: a question
 * that comes on screen takes the flag from the others. A hidden question leaves the list unless
 * `keepHidden` (moderators see them).
 */
export function mergeQuestion(list: readonly Question[], q: Question, opts: { own?: boolean; keepHidden?: boolean } = {}): Question[] {
  const before = list.find((x) => x.id === q.id);
  const merged: Question = before && !opts.own ? { ...q, voted: before.voted, text: q.text || before.text, author: q.author || before.author } : q;
  let out = before ? list.map((x) => (x.id === q.id ? merged : x)) : [...list, merged];
  if (merged.on_screen) out = out.map((x) => (x.id !== q.id && x.on_screen ? { ...x, on_screen: false } : x));
  if (merged.status === 'hidden' && !opts.keepHidden) out = out.filter((x) => x.id !== q.id);
  return out;
}

/** Most votes first (then oldest first), or newest first. */
export function sortQuestions(list: readonly Question[], sort: QnaSort): Question[] {
  const out = [...list];
  if (sort === 'votes') out.sort((a, b) => b.votes - a.votes || a.asked_at_ms - b.asked_at_ms || a.id - b.id);
  else out.sort((a, b) => b.asked_at_ms - a.asked_at_ms || b.id - a.id);
  return out;
}

/** The questions a section shows: the open ones, answered ones, or (moderators) the queue. */
export function section(list: readonly Question[], which: 'open' | 'answered' | 'pending' | 'hidden'): Question[] {
  const status: QuestionStatus = which === 'open' ? 'approved' : which;
  return list.filter((q) => q.status === status);
}

export const onScreen = (list: readonly Question[]): Question | null => list.find((q) => q.on_screen) ?? null;

/** Client-side check matching the server's (1–500 code points after trimming). */
export function questionTextError(text: string): string | null {
  const t = text.trim();
  if (t.length === 0) return 'Write a question first.';
  if ([...t].length > 500) return 'At most 500 characters.';
  return null;
}
