import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  EMPTY_THREADS,
  applyDm,
  draftProblem,
  fetchConversation,
  inConversation,
  markThreadRead,
  mergeMessages,
  mergeThreads,
  parseConversation,
  parseDmMessage,
  parseDmThreads,
  sendErrorText,
  type DmMessage,
  type DmThreads,
} from './dmApi';

const msg = (id: number, from: string, to: string, at_ms = id * 10): DmMessage => ({ id, from, to, text: `m${id}`, at_ms });

const loaded: DmThreads = {
  threads: [
    { with: 'bo', last: { id: 4, from: 'bo', text: 'yo', at_ms: 40 }, unread: 2 },
    { with: 'cy', last: { id: 7, from: 'me', text: 'ok', at_ms: 30 }, unread: 0 },
  ],
  unread: 2,
};

describe('dm parsing', () => {
  it('reads the thread list newest first, with the total', () => {
    const parsed = parseDmThreads({
      threads: [
        { with: 'cy', last: { id: 7, from: 'me', text: 'ok', at_ms: 30 }, unread: 0 },
        { with: 'bo', last: { id: 4, from: 'bo', text: 'yo', at_ms: 40 }, unread: 2 },
        { last: null },
      ],
      unread: 99,
    });
    expect(parsed).toEqual(loaded);
    expect(() => parseDmThreads({})).toThrow(ApiError);
  });

  it('reads messages and conversations oldest first', () => {
    expect(parseDmMessage({ id: 1, from: 'a', to: 'b', text: 'hi', at_ms: 5 })).toEqual({ id: 1, from: 'a', to: 'b', text: 'hi', at_ms: 5 });
    expect(parseDmMessage({ id: '1', from: 'a', text: 'hi' })).toBeNull();
    expect(parseConversation({ with: 'b', messages: [msg(3, 'a', 'b'), msg(1, 'b', 'a'), { id: 2 }] }).map((m) => m.id)).toEqual([1, 3]);
    expect(() => parseConversation({ with: 'b' })).toThrow(ApiError);
  });
});

describe('thread list', () => {
  it('moves a thread to the top and counts messages from the other side', () => {
    const s = applyDm(loaded, msg(8, 'cy', 'me', 50), 'me', null);
    expect(s.threads.map((t) => [t.with, t.unread])).toEqual([['cy', 1], ['bo', 2]]);
    expect(s.unread).toBe(3);
    // Mine do not count; a repeat changes nothing.
    const mine = applyDm(s, msg(5, 'me', 'bo', 60), 'me', null);
    expect(mine.threads[0]).toMatchObject({ with: 'bo', unread: 2 });
    expect(applyDm(mine, msg(5, 'me', 'bo', 60), 'me', null)).toBe(mine);
  });

  it('starts a thread and skips the open conversation', () => {
    const s = applyDm(EMPTY_THREADS, msg(1, 'dee', 'me'), 'me', 'dee');
    expect(s).toEqual({ threads: [{ with: 'dee', last: msg(1, 'dee', 'me'), unread: 0 }], unread: 0 });
    // A message I sent without `to` cannot be placed.
    expect(applyDm(s, { id: 2, from: 'me', text: 'x', at_ms: 1 }, 'me', null)).toBe(s);
  });

  it('marks one thread read', () => {
    expect(markThreadRead(loaded, 'bo')).toEqual({ threads: [{ ...loaded.threads[0]!, unread: 0 }, loaded.threads[1]!], unread: 0 });
    expect(markThreadRead(loaded, 'cy')).toBe(loaded);
  });

  it('keeps pushes that beat the load', () => {
    const pushed = applyDm(applyDm(EMPTY_THREADS, msg(5, 'bo', 'me', 90), 'me', null), msg(1, 'eve', 'me', 80), 'me', null);
    const merged = mergeThreads(pushed, loaded);
    expect(merged.threads.map((t) => [t.with, t.last?.id, t.unread])).toEqual([
      ['bo', 5, 2],
      ['eve', 1, 1],
      ['cy', 7, 0],
    ]);
    expect(merged.unread).toBe(3);
    // Older than the load: the load wins.
    expect(mergeThreads(applyDm(EMPTY_THREADS, msg(3, 'bo', 'me'), 'me', null), loaded)).toEqual(loaded);
  });
});

describe('conversation', () => {
  it('merges pages and pushes by id', () => {
    const merged = mergeMessages([msg(2, 'a', 'b'), msg(3, 'b', 'a')], [msg(1, 'a', 'b'), msg(3, 'b', 'a'), msg(4, 'a', 'b')]);
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it('tells which frames belong to it', () => {
    expect(inConversation(msg(1, 'bo', 'me'), 'me', 'bo')).toBe(true);
    expect(inConversation(msg(1, 'me', 'bo'), 'me', 'bo')).toBe(true);
    expect(inConversation(msg(1, 'cy', 'me'), 'me', 'bo')).toBe(false);
    expect(inConversation(msg(1, 'me', 'cy'), 'me', 'bo')).toBe(false);
  });

  it('checks drafts and explains refusals', () => {
    expect(draftProblem('  ')).not.toBeNull();
    expect(draftProblem('hi')).toBeNull();
    expect(draftProblem('😀'.repeat(500))).toBeNull();
    expect(draftProblem('x'.repeat(501))).not.toBeNull();
    expect(sendErrorText(new ApiError(403, 'forbidden', 'blocked'))).toMatch(/can't message/);
    expect(sendErrorText(new ApiError(429, 'too_many_requests', 'slow'))).toMatch(/Slow down/);
    expect(sendErrorText(new ApiError(400, 'invalid_argument', 'too long'))).toBe('too long');
    expect(sendErrorText(new Error('x'))).toMatch(/reach/);
  });

  it('pages with before and limit', async () => {
    const seen: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      seen.push(url);
      return new Response(JSON.stringify({ with: 'bo', messages: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    try {
      await fetchConversation('tok', 'bo');
      await fetchConversation('tok', 'bo', 17, 20);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual(['/api/v1/me/dms/bo?limit=50', '/api/v1/me/dms/bo?limit=20&before=17']);
  });
});
