// REST calls of the webinar Q&A (docs/webinars.md, section Q&A; docs/api.md).
import { ApiError } from '../../api';
import { request } from '../../accountApi';
import { parseQna, parseQuestion, type QnaSort, type QnaState, type Question } from './model';

const base = (webinar: string) => `/api/v1/webinars/${encodeURIComponent(webinar)}/qa`;
const opt = (token: string | null) => (token ? { token } : {});

function question(v: unknown): Question {
  const q = parseQuestion(v);
  if (!q) throw new ApiError(0, 'bad_response', 'question missing in the answer');
  return q;
}

export async function fetchQna(webinar: string, token: string | null, sort: QnaSort = 'votes'): Promise<QnaState> {
  const s = parseQna(await request('GET', `${base(webinar)}?sort=${sort}`, opt(token)));
  if (!s) throw new ApiError(0, 'bad_response', 'Q&A missing in the answer');
  return s;
}

export const askQuestion = async (token: string, webinar: string, text: string): Promise<Question> =>
  question(await request('POST', `${base(webinar)}/questions`, { token, body: { text } }));

export const voteQuestion = async (token: string, webinar: string, id: number, up: boolean): Promise<Question> =>
  question(await request(up ? 'POST' : 'DELETE', `${base(webinar)}/questions/${id}/vote`, { token }));

export type ModAction = 'approve' | 'hide' | 'on_screen' | 'off_screen' | 'answered';

export const moderateQuestion = async (token: string, webinar: string, id: number, action: ModAction): Promise<Question> =>
  question(await request('POST', `${base(webinar)}/questions/${id}/${action}`, { token }));

export async function setModeration(token: string, webinar: string, moderation: boolean): Promise<boolean> {
  const body = await request('PUT', `${base(webinar)}/settings`, { token, body: { moderation } });
  return (body as { moderation?: unknown } | null)?.moderation !== false;
}

export const exportUrl = (webinar: string, format: 'json' | 'csv') => `${base(webinar)}/export?format=${format}`;

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}
