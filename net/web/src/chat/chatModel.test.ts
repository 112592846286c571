import { describe, expect, it } from 'vitest';
import { applyFrame, describeSettings, HELD_TEXT, initialChat, MAX_LINES } from './chatModel';
import { renderSegments } from './emotes';

const msg = (id: number, user = 'guest:bob', text = 'hi') => ({ type: 'msg', id, user, text, badges: [], ts: 1 });

describe('chat model', () => {
  it('takes history, appends live messages once, and removes deleted ones', () => {
    let s = applyFrame(initialChat, { type: 'history', messages: [msg(1), msg(2)] }).state;
    s = applyFrame(s, msg(3)).state;
    s = applyFrame(s, msg(3)).state;
    expect(s.lines.map((l) => (l.kind === 'msg' ? l.msg.id : -1))).toEqual([1, 2, 3]);
    s = applyFrame(s, { type: 'deleted', id: 2 }).state;
    expect(s.lines.map((l) => (l.kind === 'msg' ? l.msg.id : -1))).toEqual([1, 3]);
  });

  it('applies batches and sums their reactions', () => {
    const r = applyFrame(initialChat, [msg(1), { type: 'reactions', counts: { heart: 2 } }, { type: 'reactions', counts: { heart: 3, fire: 1 } }]);
    expect(r.reactions).toEqual({ heart: 5, fire: 1 });
    expect(r.state.lines).toHaveLength(1);
  });

  it('takes the user from joined, which may come without an auth_ok', () => {
    let s = applyFrame(initialChat, { type: 'joined', user: 'ada', role: 'viewer' }).state;
    expect(s.user).toBe('ada');
    s = applyFrame(s, { type: 'role', role: 'moderator' }).state;
    expect(s.user).toBe('ada');
    expect(applyFrame(s, { type: 'joined', user: null }).state.user).toBeNull();
  });

  it('tracks role, viewers and notices for the sender', () => {
    let s = applyFrame(initialChat, { type: 'auth_ok', user: 'guest:vic' }).state;
    s = applyFrame(s, { type: 'joined', role: 'viewer', viewers: 4, settings: { slow_s: 0 } }).state;
    expect(s.joined).toBe(true);
    expect(s.viewers).toBe(4);
    s = applyFrame(s, { type: 'moderation', action: 'mod', user: 'guest:vic' }).state;
    expect(s.role).toBe('moderator');
    s = applyFrame(s, { type: 'notice', code: 'slow_mode', message: 'wait 3 s' }).state;
    const last = s.lines[s.lines.length - 1];
    expect(last.kind === 'system' && last.code === 'slow_mode' && last.own).toBe(true);
  });

  it('keeps at most MAX_LINES lines and ignores junk', () => {
    let s = initialChat;
    for (let i = 1; i <= MAX_LINES + 20; i++) s = applyFrame(s, msg(i)).state;
    expect(s.lines).toHaveLength(MAX_LINES);
    expect(applyFrame(s, null).state).toBe(s);
    expect(applyFrame(s, { type: 'msg', id: 'x' }).state).toBe(s);
  });

  it('pins, replaces and clears the announcement, and takes the pinned one from joined', () => {
    const pinned = { id: 17, user: 'alice', text: 'Giveaway at 9!', ts: 5 };
    let s = applyFrame(initialChat, { type: 'joined', role: 'viewer', announcement: pinned }).state;
    expect(s.announcement).toEqual(pinned);
    // A role change says nothing about the announcement; neither does an older server's joined.
    s = applyFrame(s, { type: 'role', role: 'moderator' }).state;
    s = applyFrame(s, { type: 'joined', role: 'moderator' }).state;
    expect(s.announcement).toEqual(pinned);
    s = applyFrame(s, { type: 'announcement', id: 18, user: 'bob', text: 'Raid next', ts: 6 }).state;
    expect(s.announcement).toEqual({ id: 18, user: 'bob', text: 'Raid next', ts: 6 });
    expect(applyFrame(s, { type: 'announcement', id: 19 }).state).toBe(s);
    s = applyFrame(s, { type: 'announcement', id: 0, user: null, text: '', ts: 7 }).state;
    expect(s.announcement).toBeNull();
    s = applyFrame(s, [{ type: 'announcement', id: 20, user: 'alice', text: 'Back', ts: 8 }]).state;
    expect(s.announcement?.id).toBe(20);
    expect(applyFrame(s, { type: 'joined', role: 'viewer', announcement: null }).state.announcement).toBeNull();
    expect(s.lines).toHaveLength(0);
  });

  it('describes settings changes', () => {
    const base = { slow_s: 0, emote_only: false, followers_only: false, subscribers_only: false, rate_count: 20, rate_window_s: 30 };
    expect(describeSettings(base, { ...base, slow_s: 5 })).toBe('Chat settings: slow mode 5 s');
    expect(describeSettings(base, base)).toBeNull();
  });
});

describe('emotes', () => {
  it('renders known :emotes: and leaves the rest as text', () => {
    expect(renderSegments('gg :fire: :nope: end')).toEqual([
      { text: 'gg ' },
      { emote: 'fire', glyph: '🔥' },
      { text: ' :nope: end' },
    ]);
  });
});

describe('raids in chat', () => {
  const countdown = { type: 'raid', target: 'vega', viewers: 12, go_at_ms: 90_000 };

  it('tracks the countdown and its cancellation', () => {
    let s = applyFrame(initialChat, countdown).state;
    expect(s.raid).toEqual({ target: 'vega', viewers: 12, go_at_ms: 90_000, state: 'countdown' });
    s = applyFrame(s, { type: 'raid_cancelled' }).state;
    expect(s.raid).toBeNull();
    const last = s.lines[s.lines.length - 1];
    expect(last?.kind === 'system' && last.code).toBe('raid_cancelled');
    // A cancel without a countdown shown says nothing.
    expect(applyFrame(initialChat, { type: 'raid_cancelled' }).state).toBe(initialChat);
  });

  it('reports where the raid goes, also from a batch', () => {
    const r = applyFrame(applyFrame(initialChat, countdown).state, { type: 'raid_go', target: 'vega' });
    expect(r.raidGo).toBe('vega');
    expect(r.state.raid).toBeNull();
    const batch = applyFrame(initialChat, [countdown, msg(1), { type: 'raid_go', target: 'vega' }, { type: 'reactions', counts: { fire: 1 } }]);
    expect(batch.raidGo).toBe('vega');
    expect(batch.reactions).toEqual({ fire: 1 });
    expect(applyFrame(initialChat, [msg(1)]).raidGo).toBeUndefined();
  });

  it('adds the raided line in the target room', () => {
    const s = applyFrame(initialChat, { type: 'raided', from: 'nova', viewers: 12 }).state;
    expect(s.lines).toEqual([{ kind: 'system', key: 's1', text: 'nova is raiding with 12 viewers', code: 'raided' }]);
  });

  it('takes a running raid from joined when the server sends one', () => {
    const s = applyFrame(initialChat, { type: 'joined', role: 'viewer', raid: { target: 'vega', viewers: 3, go_at_ms: 5, state: 'countdown' } }).state;
    expect(s.raid?.target).toBe('vega');
    expect(applyFrame(s, { type: 'joined', role: 'viewer', raid: null }).state.raid).toBeNull();
    expect(applyFrame(s, { type: 'role', role: 'viewer' }).state.raid?.target).toBe('vega');
  });
});

describe('engagement and AutoMod in chat', () => {
  it('says who redeemed what, and tells the sender of a held message', () => {
    let s = applyFrame(initialChat, { type: 'redemption', redemption: { id: 'r', user: 'amy', reward_title: 'Hydrate', input: 'now' } }).state;
    s = applyFrame(s, { type: 'notice', code: 'held', message: 'held for review', ref: 1 }).state;
    expect(s.lines).toEqual([
      { kind: 'system', key: 's1', text: 'amy redeemed Hydrate: now', code: 'redemption' },
      { kind: 'system', key: 's2', text: HELD_TEXT, code: 'held', own: true },
    ]);
  });

  it('shows held items to moderators only, and the approved message as a message', () => {
    const held = { type: 'automod_held', item: { id: 4, user: 'bob', text: 'hmm', category: 'swearing', level: 2, ts: 1 } };
    expect(applyFrame(initialChat, held).state.lines).toEqual([]);
    const mod = applyFrame(initialChat, { type: 'joined', role: 'moderator', user: 'mia' }).state;
    expect(applyFrame(mod, held).state.lines[0]).toMatchObject({ kind: 'system', code: 'automod_held', text: 'Held for review: bob: hmm' });
    const approved = applyFrame(initialChat, { ...msg(9, 'bob', 'hmm'), automod: true }).state.lines[0];
    expect(approved?.kind === 'msg' && approved.msg).toMatchObject({ id: 9, text: 'hmm', automod: true });
  });
});
