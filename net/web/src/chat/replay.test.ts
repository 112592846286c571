import { describe, expect, it } from 'vitest';
import {
  AHEAD_S,
  KEEP_S,
  MAX_VISIBLE,
  dueCount,
  initialReplay,
  parseReplayMessages,
  plan,
  receive,
  release,
  visibleMessages,
  type Replay,
  type ReplayMessage,
} from './replay';

const msg = (offset_s: number, id = `m${offset_s}`): ReplayMessage => ({ id, user: 'ada', text: `at ${offset_s}`, badges: [], at_ms: 1000 + offset_s * 1000, offset_s });

/** Plans at t, answers the window it asks for with the messages of `chat` inside it. */
function step(r: Replay, t: number, chat: ReplayMessage[], endS: number | null = null): Replay {
  const { replay, fetch } = plan(r, t, endS);
  if (!fetch) return replay;
  return receive(replay, fetch, chat.filter((m) => m.offset_s >= fetch.from_s && m.offset_s < fetch.to_s));
}

const shown = (r: Replay, t: number) => visibleMessages(r, dueCount(r, t)).map((m) => m.offset_s);

const CHAT = [1, 5, 30, 59, 61, 100, 250, 290, 299, 300, 301, 320, 400].map((s) => msg(s));

describe('chat replay: windows to fetch', () => {
  it('starts with the first window and asks one window at a time', () => {
    const first = plan(initialReplay, 0, 600);
    expect(first.fetch).toEqual({ from_s: 0, to_s: AHEAD_S, epoch: 0 });
    // Time passes before the answer: the window on its way still covers it, nothing new is asked.
    const again = plan(first.replay, 0.25, 600);
    expect(again.fetch).toBeNull();
    expect(again.replay).toBe(first.replay);
  });

  it('fetches the next window shortly before the loaded one runs out', () => {
    let r = step(initialReplay, 0, CHAT, 600);
    expect(r.to_s).toBe(60);
    expect(plan(r, 44, 600).fetch).toBeNull();
    const next = plan(r, 46, 600);
    expect(next.fetch).toEqual({ from_s: 60, to_s: 120, epoch: 0 });
    r = receive(next.replay, next.fetch!, CHAT.filter((m) => m.offset_s >= 60 && m.offset_s < 120));
    expect(r.to_s).toBe(120);
    expect(r.messages.map((m) => m.offset_s)).toEqual([1, 5, 30, 59, 61, 100]);
  });

  it('stops at the end of a finished video, keeps going while it records', () => {
    const r = step(initialReplay, 0, CHAT, 50);
    expect(plan(r, 49, 50).fetch).toBeNull();
    expect(plan(r, 49, null).fetch).toEqual({ from_s: 60, to_s: 120, epoch: 0 });
  });

  it('asks again after a failed window', () => {
    const { replay, fetch } = plan(initialReplay, 0, null);
    const failed = release(replay, fetch!);
    expect(failed.pending).toBeNull();
    expect(plan(failed, 0, null).fetch).toEqual({ from_s: 0, to_s: 60, epoch: 0 });
  });
});

describe('chat replay: what is due at t', () => {
  it('shows each message once playback passes its offset', () => {
    const r = step(initialReplay, 0, CHAT);
    expect(shown(r, 0)).toEqual([]);
    expect(shown(r, 1)).toEqual([1]);
    expect(shown(r, 4.9)).toEqual([1]);
    expect(shown(r, 29.99)).toEqual([1, 5]);
    expect(shown(r, 59)).toEqual([1, 5, 30, 59]);
  });

  it('keeps the newest MAX_VISIBLE lines', () => {
    const many = Array.from({ length: MAX_VISIBLE + 50 }, (_, i) => msg(i * 0.1, `x${i}`));
    const r = step(initialReplay, 0, many);
    const lines = visibleMessages(r, dueCount(r, 59));
    expect(lines).toHaveLength(MAX_VISIBLE);
    expect(lines[lines.length - 1]!.id).toBe(`x${MAX_VISIBLE + 49}`);
  });

  it('ignores duplicates when windows overlap', () => {
    const { replay, fetch } = plan(initialReplay, 0, null);
    const r = receive(replay, fetch!, [msg(5), msg(5), msg(1)]);
    expect(r.messages.map((m) => m.id)).toEqual(['m1', 'm5']);
  });
});

describe('chat replay: seeking', () => {
  const loaded = step(step(initialReplay, 0, CHAT), 46, CHAT); // span [0, 120)

  it('a seek backwards inside the span hides what comes later, without refetching', () => {
    expect(shown(loaded, 100)).toEqual([1, 5, 30, 59, 61, 100]);
    const back = plan(loaded, 10, null);
    expect(back.fetch).toBeNull();
    expect(back.replay).toBe(loaded);
    expect(shown(back.replay, 10)).toEqual([1, 5]);
  });

  it('a seek forwards out of the span clears it and fetches around the new position', () => {
    const { replay, fetch } = plan(loaded, 300, null);
    expect(replay.messages).toEqual([]);
    expect(fetch).toEqual({ from_s: 270, to_s: 360, epoch: 1 });
    const r = receive(replay, fetch!, CHAT.filter((m) => m.offset_s >= 270 && m.offset_s < 360));
    // The backlog shows at once; later lines wait for playback.
    expect(shown(r, 300)).toEqual([290, 299, 300]);
    expect(shown(r, 320)).toEqual([290, 299, 300, 301, 320]);
  });

  it('a seek backwards before the span refetches from there', () => {
    const far = step(loaded, 300, CHAT); // span [270, 360)
    const { replay, fetch } = plan(far, 100, null);
    expect(fetch).toEqual({ from_s: 70, to_s: 160, epoch: 2 });
    expect(shown(receive(replay, fetch!, CHAT.filter((m) => m.offset_s >= 70 && m.offset_s < 160)), 100)).toEqual([100]);
    // Too close to the start of the span for the backlog: refetched as well.
    expect(plan(far, 280, null).fetch).toEqual({ from_s: 250, to_s: 340, epoch: 2 });
  });

  it('drops the answer for a window abandoned by a seek', () => {
    const first = plan(loaded, 106, null); // window [120, 180) on its way
    expect(first.fetch).toEqual({ from_s: 120, to_s: 180, epoch: 0 });
    const jumped = plan(first.replay, 300, null);
    const late = receive(jumped.replay, first.fetch!, [msg(150)]);
    expect(late).toBe(jumped.replay);
    expect(late.pending).toEqual(jumped.fetch);
  });

  it('forgets messages long behind the position', () => {
    let r = initialReplay;
    const dense = Array.from({ length: 60 }, (_, i) => msg(i * 10));
    for (let t = 0; t <= 400; t += 5) r = step(r, t, dense);
    expect(r.from_s).toBeGreaterThanOrEqual(400 - KEEP_S - AHEAD_S);
    expect(r.messages[0]!.offset_s).toBeGreaterThanOrEqual(r.from_s);
    expect(shown(r, 400).slice(-3)).toEqual([380, 390, 400]);
  });
});

describe('parseReplayMessages', () => {
  it('keeps well-formed messages', () => {
    expect(
      parseReplayMessages({
        messages: [
          { id: 7, user: 'ada', text: 'hi', badges: ['broadcaster', 3], at_ms: 5000, offset_s: 2.5 },
          { id: 8, user: 'bob', text: 'no offset' },
          null,
        ],
      }),
    ).toEqual([{ id: '7', user: 'ada', text: 'hi', badges: ['broadcaster'], at_ms: 5000, offset_s: 2.5 }]);
    expect(parseReplayMessages({})).toEqual([]);
  });
});
