import { describe, expect, it } from 'vitest';
import { ApiError, fetchChannel, fetchLiveChannels, parseChannel, type Channel } from './api';
import { applyPollResult, initialModel, sessionKey, viewState } from './channelState';
import { retryDelayMs } from './player';

const live: Channel = {
  name: 'alice',
  title: 'My stream',
  live: true,
  hls: '/hls/alice/index.m3u8',
  started_at_ms: 123,
  viewers: 3,
  followers: 4,
};
const offline: Channel = { ...live, live: false, started_at_ms: null };

describe('channel view state', () => {
  it('starts loading', () => {
    expect(viewState(initialModel)).toBe('loading');
  });

  it('goes offline -> loading -> playing -> offline', () => {
    let m = applyPollResult(initialModel, offline);
    expect(viewState(m)).toBe('offline');
    m = applyPollResult(m, live);
    expect(viewState(m)).toBe('loading');
    m = { ...m, playing: true };
    expect(viewState(m)).toBe('playing');
    m = applyPollResult(m, { ...live, viewers: 9 });
    expect(viewState(m)).toBe('playing');
    m = applyPollResult(m, offline);
    expect(viewState(m)).toBe('offline');
  });

  it('drops playing when a new session starts', () => {
    const m = applyPollResult({ channel: live, error: null, playing: true }, { ...live, started_at_ms: 999 });
    expect(viewState(m)).toBe('loading');
  });

  it('maps 404 to error and recovers', () => {
    let m = applyPollResult(initialModel, new ApiError(404, 'not_found', 'no such channel'));
    expect(m.error).toBe('not_found');
    expect(viewState(m)).toBe('error');
    m = applyPollResult(m, offline);
    expect(viewState(m)).toBe('offline');
  });

  it('keeps last known state on transient errors', () => {
    const m0 = applyPollResult(initialModel, live);
    expect(applyPollResult(m0, new TypeError('network'))).toBe(m0);
    expect(viewState(applyPollResult(initialModel, new TypeError('network')))).toBe('error');
  });

  it('session keys', () => {
    expect(sessionKey(null)).toBeNull();
    expect(sessionKey(offline)).toBeNull();
    expect(sessionKey(live)).toBe('/hls/alice/index.m3u8#123');
  });
});

function fakeFetch(status: number, body: unknown): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;
}

describe('api', () => {
  it('parses a channel', async () => {
    await expect(fetchChannel('alice', undefined, fakeFetch(200, live))).resolves.toEqual(live);
  });

  it('fills defaults', () => {
    expect(parseChannel({ name: 'bob' })).toEqual({
      name: 'bob',
      title: '',
      live: false,
      hls: '/hls/bob/index.m3u8',
      started_at_ms: null,
      viewers: 0,
      followers: null,
    });
    expect(() => parseChannel(null)).toThrow(ApiError);
  });

  it('raises ApiError with the server code', async () => {
    const err = await fetchChannel('x', undefined, fakeFetch(404, { error: { code: 'not_found', message: 'nope' } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
    expect((err as ApiError).code).toBe('not_found');
  });

  it('lists live channels', async () => {
    await expect(fetchLiveChannels(undefined, fakeFetch(200, { channels: [live] }))).resolves.toEqual([live]);
    await expect(fetchLiveChannels(undefined, fakeFetch(200, {}))).rejects.toBeInstanceOf(ApiError);
  });
});

describe('retryDelayMs', () => {
  it('backs off and caps', () => {
    expect(retryDelayMs(0)).toBe(500);
    expect(retryDelayMs(1)).toBe(1000);
    expect(retryDelayMs(10)).toBe(2000);
  });
});
