import { describe, expect, it } from 'vitest';
import { channelPath, isValidChannelName, messagesPath, modPath, overlayPath, parseRoute, raidArrivalPath } from './router';

describe('parseRoute', () => {
  it('maps / and empty paths to home', () => {
    expect(parseRoute('/')).toEqual({ kind: 'home' });
    expect(parseRoute('')).toEqual({ kind: 'home' });
    expect(parseRoute('/?x=1')).toEqual({ kind: 'home' });
  });

  it('parses channel routes', () => {
    expect(parseRoute('/c/alice')).toEqual({ kind: 'channel', name: 'alice' });
    expect(parseRoute('/c/alice/')).toEqual({ kind: 'channel', name: 'alice' });
    expect(parseRoute('/c/Bob_2-x?t=1#chat')).toEqual({ kind: 'channel', name: 'Bob_2-x' });
    expect(parseRoute('/c/%61lice')).toEqual({ kind: 'channel', name: 'alice' });
  });

  it('rejects malformed channel routes', () => {
    expect(parseRoute('/c/').kind).toBe('not_found');
    expect(parseRoute('/c/a/b').kind).toBe('not_found');
    expect(parseRoute('/c/a%2Fb').kind).toBe('not_found');
    expect(parseRoute('/c/%E0%A4%A').kind).toBe('not_found');
    expect(parseRoute('/c/' + 'x'.repeat(65)).kind).toBe('not_found');
    expect(parseRoute('/nope')).toEqual({ kind: 'not_found', path: '/nope' });
  });

  it('parses the mod dashboard and the overlays', () => {
    expect(parseRoute('/c/alice/mod')).toEqual({ kind: 'mod', channel: 'alice' });
    expect(parseRoute(modPath('alice'))).toEqual({ kind: 'mod', channel: 'alice' });
    expect(parseRoute('/c/alice/admin').kind).toBe('not_found');
    expect(parseRoute('/overlay/alice/poll')).toEqual({ kind: 'overlay', channel: 'alice', widget: 'poll' });
    expect(parseRoute(overlayPath('alice', 'hype-train'))).toEqual({ kind: 'overlay', channel: 'alice', widget: 'hype-train' });
    expect(parseRoute('/overlay/alice/prediction?x=1')).toEqual({ kind: 'overlay', channel: 'alice', widget: 'prediction' });
    expect(parseRoute('/overlay/alice/alerts')).toEqual({ kind: 'overlay', channel: 'alice', widget: 'alerts' });
    expect(parseRoute(overlayPath('alice', 'campaign'))).toEqual({ kind: 'overlay', channel: 'alice', widget: 'campaign' });
    expect(parseRoute('/overlay/alice/scoreboard').kind).toBe('not_found');
    expect(parseRoute('/overlay/a%2Fb/poll').kind).toBe('not_found');
  });

  it('parses browse, categories and search with their queries', () => {
    expect(parseRoute('/browse')).toEqual({ kind: 'browse', category: '' });
    expect(parseRoute('/browse/?category=Retro+Games')).toEqual({ kind: 'browse', category: 'Retro Games' });
    expect(parseRoute('/browse?category=Caf%C3%A9#top')).toEqual({ kind: 'browse', category: 'Café' });
    expect(parseRoute('/categories')).toEqual({ kind: 'categories' });
    expect(parseRoute('/search?q=nova')).toEqual({ kind: 'search', q: 'nova' });
    expect(parseRoute('/search?q=%20space%20odyssey%20')).toEqual({ kind: 'search', q: 'space odyssey' });
    expect(parseRoute('/search?q=a%26b&x=1')).toEqual({ kind: 'search', q: 'a&b' });
    expect(parseRoute('/search')).toEqual({ kind: 'search', q: '' });
    expect(parseRoute('/browse/x').kind).toBe('not_found');
    expect(parseRoute('/categories/x').kind).toBe('not_found');
  });

  it('parses the social pages', () => {
    expect(parseRoute('/friends')).toEqual({ kind: 'friends' });
    expect(parseRoute('/following/')).toEqual({ kind: 'following' });
    expect(parseRoute('/inbox?x=1')).toEqual({ kind: 'inbox' });
    expect(parseRoute('/messages')).toEqual({ kind: 'messages', with: null });
    expect(parseRoute('/messages/bob_2')).toEqual({ kind: 'messages', with: 'bob_2' });
    expect(parseRoute(messagesPath('ada'))).toEqual({ kind: 'messages', with: 'ada' });
    expect(messagesPath()).toBe('/messages');
    expect(parseRoute('/messages/a%2Fb').kind).toBe('not_found');
    expect(parseRoute('/messages/a/b').kind).toBe('not_found');
    expect(parseRoute('/friends/x').kind).toBe('not_found');
    expect(parseRoute('/inbox/x').kind).toBe('not_found');
  });

  it('parses clip pages and the trending clips', () => {
    expect(parseRoute('/clip/3f09a1c2b4d5')).toEqual({ kind: 'clip', id: '3f09a1c2b4d5' });
    expect(parseRoute('/clips')).toEqual({ kind: 'clips' });
    expect(parseRoute('/clip/a%2Fb').kind).toBe('not_found');
    expect(parseRoute('/clip').kind).toBe('not_found');
    expect(parseRoute('/clips/3f09a1c2b4d5.mp4').kind).toBe('not_found');
  });

  it('parses the pay page and the test cards', () => {
    expect(parseRoute('/pay/cs_0123abcd')).toEqual({ kind: 'pay', checkout: 'cs_0123abcd' });
    expect(parseRoute('/payments/test-cards')).toEqual({ kind: 'test-cards' });
    expect(parseRoute('/pay/a%2Fb').kind).toBe('not_found');
    expect(parseRoute('/pay').kind).toBe('not_found');
  });

  it('reads where a raid came from', () => {
    expect(parseRoute('/c/vega?raid=nova')).toEqual({ kind: 'channel', name: 'vega', raid: 'nova' });
    expect(parseRoute(raidArrivalPath('vega', 'nova'))).toEqual({ kind: 'channel', name: 'vega', raid: 'nova' });
    expect(raidArrivalPath('vega', 'nova')).toBe('/c/vega?raid=nova');
    expect(parseRoute('/c/vega?raid=a%2Fb')).toEqual({ kind: 'channel', name: 'vega' });
    expect(parseRoute('/c/vega?raid=')).toEqual({ kind: 'channel', name: 'vega' });
    expect('raid' in parseRoute('/c/vega')).toBe(false);
  });

  it('parses VOD routes with their start time', () => {
    expect(parseRoute('/v/0123456789ab')).toEqual({ kind: 'vod', id: '0123456789ab', t: null });
    expect(parseRoute('/v/0123456789ab?t=90')).toEqual({ kind: 'vod', id: '0123456789ab', t: 90 });
    expect(parseRoute('/v/0123456789ab?t=1h2m3s#x')).toEqual({ kind: 'vod', id: '0123456789ab', t: 3723 });
    expect(parseRoute('/v/0123456789ab?t=soon')).toEqual({ kind: 'vod', id: '0123456789ab', t: null });
    expect(parseRoute('/v/').kind).toBe('not_found');
    expect(parseRoute('/v/a/b').kind).toBe('not_found');
    expect(parseRoute('/v/a%2Fb').kind).toBe('not_found');
  });

  it('round-trips channelPath', () => {
    expect(channelPath('alice')).toBe('/c/alice');
    expect(parseRoute(channelPath('a_b-1'))).toEqual({ kind: 'channel', name: 'a_b-1' });
  });

  it('validates names', () => {
    expect(isValidChannelName('ok_name-1')).toBe(true);
    expect(isValidChannelName('')).toBe(false);
    expect(isValidChannelName('has space')).toBe(false);
    expect(isValidChannelName('../x')).toBe(false);
  });
});
