import { describe, expect, it } from 'vitest';
import {
  addHeld,
  describeLogEntry,
  formatAge,
  formatDuration,
  mergeQueue,
  parseBanFile,
  parseBans,
  parseHeldFrame,
  parseLog,
  parseQueue,
  parseResolvedFrame,
  parseRoles,
  parseUnbanRequests,
  parseUserCard,
  type HeldItem,
} from './model';

const item = (id: number, user = 'bob'): HeldItem => ({ id, user, text: `t${id}`, category: 'swearing', level: 2, ts: id });

describe('AutoMod queue', () => {
  it('parses the queue and pushed frames', () => {
    expect(parseQueue({ items: [item(1), { id: 'x' }, null] })).toEqual([item(1)]);
    expect(parseHeldFrame({ type: 'automod_held', item: item(3) })).toEqual(item(3));
    expect(parseHeldFrame({ type: 'msg', item: item(3) })).toBeNull();
    expect(parseResolvedFrame({ type: 'automod_resolved', id: 3, action: 'approve', by: 'mia', message_id: 9 })).toBe(3);
    expect(parseResolvedFrame({ type: 'automod_held', id: 3 })).toBeNull();
  });
  it('adds pushed items once, in order, never a decided one', () => {
    let q = addHeld([], item(5), new Set());
    q = addHeld(q, item(2), new Set());
    q = addHeld(q, item(5), new Set());
    expect(q.map((i) => i.id)).toEqual([2, 5]);
    expect(addHeld(q, item(7), new Set([7]))).toBe(q);
  });
  it('a read replaces the queue but keeps items pushed after it', () => {
    const current = [item(1), item(2), item(9)];
    // The read knows 1..4 (2 was decided elsewhere); 9 arrived after the read was answered.
    expect(mergeQueue(current, [item(1), item(3), item(4)], new Set([3])).map((i) => i.id)).toEqual([1, 4, 9]);
  });
});

describe('log, card, requests, bans, roles', () => {
  it('describes log entries', () => {
    const [ban, timeout, approve] = parseLog({
      entries: [
        { id: 3, at_ms: 1, action: 'ban', by: 'mia', user: 'bob', reason: 'spam' },
        { id: 2, at_ms: 1, action: 'timeout', by: 'mia', user: 'bob', reason: '', detail: { duration_s: 600 } },
        { id: 1, at_ms: 1, action: 'automod_approve', by: 'mia', user: 'amy' },
      ],
    });
    expect(describeLogEntry(ban!)).toBe('mia banned bob (spam)');
    expect(describeLogEntry(timeout!)).toBe('mia timed out bob for 10 min');
    expect(describeLogEntry(approve!)).toBe('mia approved a held message of amy');
    expect(describeLogEntry({ ...approve!, action: 'something_new' })).toBe('mia something new amy');
    expect(describeLogEntry({ ...approve!, action: 'mod', by: 'nova', user: 'mia' })).toBe('nova made mia a moderator');
    expect(describeLogEntry({ ...approve!, action: 'settings', by: 'nova', user: '' })).toBe('nova changed the chat settings');
  });
  it('formats durations and ages', () => {
    expect(formatDuration(90)).toBe('90 s');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(14 * 86_400)).toBe('14 d');
    const day = 86_400_000;
    expect(formatAge(0, day / 2)).toBe('less than a day');
    expect(formatAge(0, 3 * day)).toBe('3 days');
    expect(formatAge(0, 100 * day)).toBe('3 months');
    expect(formatAge(0, 800 * day)).toBe('2 years');
  });
  it('reads the node\'s user card', () => {
    const c = parseUserCard(
      {
        user: 'bob',
        roles: ['vip'],
        banned: false,
        ban: null,
        timeout_until_ms: 99,
        messages: [{ id: 4, text: 'yo', ts: 7, deleted: false, automod: false }],
        moderation: [{ id: 2, at_ms: 5, action: 'timeout', by: 'mia', user: 'bob', reason: '', detail: { duration_s: 60 } }],
        account_created_ms: 1,
        following_since_ms: null,
      },
      'bob',
    );
    expect(c).toMatchObject({ created_at_ms: 1, followed_at_ms: null, timeout_until_ms: 99, roles: ['vip'] });
    expect(c.messages).toEqual([{ id: 4, text: 'yo', ts: 7, deleted: false }]);
    expect(describeLogEntry(c.history[0]!)).toBe('mia timed out bob for 60 s');
  });

  it('reads a user card leniently', () => {
    const c = parseUserCard(
      { user: 'bob', created_at_ms: 5, follow: { since_ms: 9 }, messages: [{ id: 1, text: 'hi', ts: 3 }], history: [{ action: 'timeout', by: 'mia', user: 'bob' }], banned: true },
      'bob',
    );
    expect(c).toMatchObject({ user: 'bob', created_at_ms: 5, followed_at_ms: 9, banned: true, timeout_until_ms: null });
    expect(c.messages).toEqual([{ id: 1, text: 'hi', ts: 3, deleted: false }]);
    expect(c.history[0]!.action).toBe('timeout');
    expect(parseUserCard(null, 'guest:x')).toMatchObject({ user: 'guest:x', created_at_ms: null, messages: [], history: [] });
  });
  it('parses requests, bans and roles', () => {
    expect(parseUnbanRequests({ requests: [{ id: 1, user: 'bob', text: 'sorry', status: 'pending', at_ms: 2 }, { id: 'no' }] })).toEqual([
      { id: 1, user: 'bob', text: 'sorry', status: 'pending', at_ms: 2, decided_by: '' },
    ]);
    expect(parseBans({ bans: [{ user: 'bob', reason: 'spam', at_ms: 1, by: 'mia' }, { user: '' }] })).toHaveLength(1);
    expect(parseBans([{ user: 'bob', reason: 'spam', at_ms: 1, by: 'mia' }])).toEqual([{ user: 'bob', reason: 'spam', at_ms: 1, by: 'mia' }]);
    expect(parseRoles({ moderators: ['zed', 'amy', 'amy'], vips: ['v'] })).toEqual({ moderator: ['amy', 'zed'], vip: ['v'], editor: [] });
  });
  it('reads ban files: our export, arrays, or one name per line', () => {
    expect(parseBanFile(JSON.stringify({ bans: [{ user: 'bob', reason: 'spam', at_ms: 1 }, { user: 'Bob' }, { user: 'bad name' }] }))).toEqual({
      bans: [{ user: 'bob', reason: 'spam' }],
      skipped: 2,
    });
    expect(parseBanFile('["amy", "guest:x"]').bans.map((b) => b.user)).toEqual(['amy', 'guest:x']);
    expect(parseBanFile('# list\namy\r\nzed\n\n').bans.map((b) => b.user)).toEqual(['amy', 'zed']);
    expect(parseBanFile('a\nb\nc', 2)).toMatchObject({ skipped: 1 });
  });
});
