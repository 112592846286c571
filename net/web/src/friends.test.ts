import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  EMPTY_FRIENDS,
  addFriend,
  applyBlock,
  applyFriendState,
  applyPresence,
  parseFriendChange,
  parseFriendLists,
  relationOf,
  removeFriend,
  setBlocked,
  type FriendLists,
} from './friendsApi';

const lists: FriendLists = {
  friends: [{ user: 'ada', at_ms: 1 }],
  incoming: [{ user: 'bo', at_ms: 2 }],
  outgoing: [{ user: 'cy', at_ms: 3 }],
  blocked: [{ user: 'dee', at_ms: 4 }],
};

describe('friend lists', () => {
  it('parses me/friends, skipping junk', () => {
    expect(
      parseFriendLists({
        friends: [{ user: 'ada', since_ms: 1 }, { since_ms: 2 }, 'x'],
        incoming: [{ user: 'bo', at_ms: 2 }],
        outgoing: [{ user: 'cy', at_ms: 3 }],
        blocked: [{ user: 'dee', at_ms: 4 }],
      }),
    ).toEqual(lists);
    expect(parseFriendLists({ friends: [] })).toEqual(EMPTY_FRIENDS);
    expect(() => parseFriendLists({})).toThrow(ApiError);
  });

  it('names where a user stands', () => {
    expect(['ada', 'bo', 'cy', 'dee', 'eve'].map((u) => relationOf(lists, u))).toEqual(['friends', 'incoming', 'outgoing', 'blocked', 'none']);
  });

  it('reads friend answers and frames', () => {
    expect(parseFriendChange({ type: 'friend', user: 'bo', state: 'requested' })).toEqual({ user: 'bo', state: 'requested' });
    expect(parseFriendChange({ user: 'bo', state: 'maybe' })).toBeNull();
    expect(parseFriendChange({ state: 'none' })).toBeNull();
    expect(parseFriendChange(null)).toBeNull();
  });
});

describe('friend state reducer', () => {
  it('my request is outgoing, theirs incoming', () => {
    expect(relationOf(applyFriendState(EMPTY_FRIENDS, 'eve', 'requested', 'me', 9), 'eve')).toBe('outgoing');
    const theirs = applyFriendState(EMPTY_FRIENDS, 'eve', 'requested', 'them', 9);
    expect(theirs.incoming).toEqual([{ user: 'eve', at_ms: 9 }]);
    // A repeated frame changes nothing.
    expect(applyFriendState(theirs, 'eve', 'requested', 'them', 10)).toEqual(theirs);
  });

  it('friends moves out of the request lists and keeps an old since', () => {
    const accepted = applyFriendState(lists, 'bo', 'friends', 'me', 9);
    expect(accepted.incoming).toEqual([]);
    expect(accepted.friends).toEqual([{ user: 'ada', at_ms: 1 }, { user: 'bo', at_ms: 9 }]);
    const theyAccepted = applyFriendState(lists, 'cy', 'friends', 'them', 9);
    expect(theyAccepted.outgoing).toEqual([]);
    expect(relationOf(theyAccepted, 'cy')).toBe('friends');
    expect(applyFriendState(lists, 'ada', 'friends', 'them', 9).friends).toEqual([{ user: 'ada', at_ms: 1 }]);
  });

  it('none removes a friend, a request either way, but not a block', () => {
    for (const user of ['ada', 'bo', 'cy']) expect(relationOf(applyFriendState(lists, user, 'none', 'them', 9), user)).toBe('none');
    expect(applyFriendState(lists, 'dee', 'none', 'them', 9).blocked).toEqual(lists.blocked);
  });

  it('blocking ends the friendship; unblocking clears the block only', () => {
    const blocked = applyBlock(lists, 'ada', true, 9);
    expect(blocked.friends).toEqual([]);
    expect(blocked.blocked).toEqual([{ user: 'dee', at_ms: 4 }, { user: 'ada', at_ms: 9 }]);
    expect(relationOf(applyBlock(blocked, 'ada', false, 10), 'ada')).toBe('none');
  });
});

describe('friend calls', () => {
  it('sends the right requests and reads the answers', async () => {
    const seen: string[] = [];
    const realFetch = globalThis.fetch;
    const answers: unknown[] = [{ user: 'bo', state: 'friends' }, { user: 'bo', state: 'none' }, { user: 'bo', blocked: true }];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push(`${init.method} ${url} ${(init.headers as Record<string, string>).Authorization}`);
      return new Response(JSON.stringify(answers.shift()), { status: 200 });
    }) as unknown as typeof fetch;
    try {
      expect(await addFriend('tok', 'bo')).toBe('friends');
      expect(await removeFriend('tok', 'bo')).toBe('none');
      expect(await setBlocked('tok', 'bo', true)).toBe(true);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual([
      'POST /api/v1/users/bo/friend Bearer tok',
      'DELETE /api/v1/users/bo/friend Bearer tok',
      'POST /api/v1/users/bo/block Bearer tok',
    ]);
  });
});

describe('presence', () => {
  it('marks a friend online or offline, and ignores strangers and bad frames', () => {
    const lists = parseFriendLists({
      friends: [{ user: 'ann', since_ms: 1, online: false }, { user: 'bo', since_ms: 2 }],
      incoming: [],
      outgoing: [],
      blocked: [],
    });
    expect(lists.friends[0]?.online).toBe(false);
    expect(lists.friends[1]?.online).toBeUndefined();
    const on = applyPresence(lists, { type: 'friend_presence', user: 'ann', online: true });
    expect(on.friends[0]?.online).toBe(true);
    expect(applyPresence(on, { type: 'friend_presence', user: 'zed', online: true })).toBe(on);
    expect(applyPresence(on, { type: 'friend_presence', user: 'ann', online: 'yes' })).toBe(on);
  });
});
