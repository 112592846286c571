import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { formatAgo, formatFollowers } from './format';
import { parseDirectoryChannel } from './discoveryApi';
import {
  addNotification,
  followingSections,
  markAllRead,
  mergeLoaded,
  parseFollow,
  parseFollowing,
  parseInbox,
  parseNotification,
  type Notification,
} from './socialApi';

const note = (id: string, at_ms: number, read = false): Notification => ({
  id, kind: 'live', channel: 'nova', title: 'Night run', at_ms, read,
});

describe('follow parsing', () => {
  it('reads a follow answer and /me/following entries', () => {
    expect(parseFollow({ channel: 'nova', following: true, since_ms: 5, notify: true, email: false })).toEqual({
      channel: 'nova', following: true, since_ms: 5, notify: true, email: false,
    });
    expect(parseFollow({ channel: 'nova', following: false, since_ms: null })).toMatchObject({ following: false, since_ms: null });
    // Listed entries carry no `following`; notify defaults on, email off, as on the server.
    expect(parseFollowing({ user: 'ada', following: [{ channel: 'nova', since_ms: 1 }] })).toEqual([
      { channel: 'nova', following: true, since_ms: 1, notify: true, email: false },
    ]);
  });
  it('refuses malformed answers', () => {
    expect(() => parseFollow({ following: true })).toThrow(ApiError);
    expect(() => parseFollowing({ user: 'ada' })).toThrow(ApiError);
  });
});

describe('notification parsing', () => {
  it('reads the inbox and skips malformed entries', () => {
    const inbox = parseInbox({
      notifications: [{ id: 'live:nova:1', kind: 'live', channel: 'nova', title: 'Hi', at_ms: 9, read: false }, { id: 3 }],
      unread: 1,
      read_up_to_ms: 0,
    });
    expect(inbox).toEqual({ notifications: [{ id: 'live:nova:1', kind: 'live', channel: 'nova', title: 'Hi', at_ms: 9, read: false }], unread: 1 });
    expect(parseInbox({ notifications: [{ id: 'a', channel: 'x', read: true }, { id: 'b', channel: 'x' }] }).unread).toBe(1);
    expect(() => parseInbox({})).toThrow(ApiError);
  });
  it('reads a pushed notification', () => {
    expect(parseNotification({ id: 'live:nova:2', kind: 'live', channel: 'nova', title: 'T', at_ms: 7 })).toMatchObject({ read: false, at_ms: 7 });
    // Announcements share the shape; only the kind differs and the title is the announcement.
    expect(parseNotification({ id: 'announcement:nova:17', kind: 'announcement', channel: 'nova', title: 'Giveaway at 9!', at_ms: 8 })).toMatchObject({
      kind: 'announcement',
      title: 'Giveaway at 9!',
    });
    // A personal notice (a match reminder) links to its page; only paths on this site are kept.
    const reminder = { id: 'r1', kind: 'match_reminder', channel: '', title: 'Cup: a vs b (W1-1) starts in 15 min', at_ms: 9 };
    expect(parseNotification({ ...reminder, link: '/t/abc123' })?.link).toBe('/t/abc123');
    expect(parseNotification({ ...reminder, link: 'https://evil.example/' })?.link).toBeUndefined();
    expect(parseNotification({ ...reminder, link: '//evil.example/' })?.link).toBeUndefined();
    expect(parseNotification(undefined)).toBeNull();
    expect(parseNotification({ id: 'x' })).toBeNull();
  });
});

describe('inbox', () => {
  it('adds pushes once, newest first, and counts them unread', () => {
    let inbox = { notifications: [note('a', 1, true)], unread: 0 };
    inbox = addNotification(inbox, note('b', 2));
    inbox = addNotification(inbox, note('b', 2));
    expect(inbox.notifications.map((n) => n.id)).toEqual(['b', 'a']);
    expect(inbox.unread).toBe(1);
    expect(markAllRead(inbox)).toEqual({ notifications: [note('b', 2, true), note('a', 1, true)], unread: 0 });
  });
  it('keeps pushes that beat the load', () => {
    const pushed = addNotification({ notifications: [], unread: 0 }, note('c', 3));
    const loaded = { notifications: [note('a', 1)], unread: 1 };
    expect(mergeLoaded(pushed, loaded)).toEqual({ notifications: [note('c', 3), note('a', 1)], unread: 2 });
    // Already in the load: counted once.
    expect(mergeLoaded(pushed, { notifications: [note('c', 3)], unread: 1 }).unread).toBe(1);
  });
});

describe('social formatting', () => {
  it('counts followers', () => {
    expect(formatFollowers(1)).toBe('1 follower');
    expect(formatFollowers(0)).toBe('0 followers');
    expect(formatFollowers(1500)).toBe('1.5K followers');
  });
  it('says how long ago', () => {
    expect(formatAgo(0, 30_000)).toBe('just now');
    expect(formatAgo(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatAgo(0, 3 * 3600_000)).toBe('3 h ago');
    expect(formatAgo(0, 2 * 86_400_000)).toBe('2 d ago');
    expect(formatAgo(10, 0)).toBe('just now');
  });
});

describe('following page', () => {
  it('puts live follows first by viewers, the rest by name', () => {
    const f = (channel: string) => parseFollow({ channel, since_ms: 1 });
    const row = (name: string, viewers: number, live = true) => parseDirectoryChannel({ name, viewers, live });
    const sections = followingSections([f('zed'), f('ada'), f('nova'), f('vega')], [row('vega', 3), row('nova', 9), row('other', 50), row('zed', 1, false)]);
    expect(sections.live.map((c) => c.name)).toEqual(['nova', 'vega']);
    expect(sections.offline).toEqual(['ada', 'zed']);
    expect(followingSections([], [row('vega', 3)])).toEqual({ live: [], offline: [] });
  });
});
