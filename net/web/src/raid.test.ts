import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  formatCountdown,
  normaliseTarget,
  parseRaidAnswer,
  parseRaidFrame,
  parseRaidSettings,
  raidBannerText,
  raidErrorText,
  raidedText,
  secondsLeft,
  setRaidBlock,
  startRaid,
} from './raidApi';

describe('raid countdown', () => {
  it('counts whole seconds up, never below zero', () => {
    expect(secondsLeft(90_000, 0)).toBe(90);
    expect(secondsLeft(90_000, 32_500)).toBe(58);
    expect(secondsLeft(90_000, 89_001)).toBe(1);
    expect(secondsLeft(90_000, 90_000)).toBe(0);
    expect(secondsLeft(90_000, 95_000)).toBe(0);
  });

  it('formats the time left', () => {
    expect(formatCountdown(57)).toBe('57 s');
    expect(formatCountdown(90)).toBe('1:30');
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(0)).toBe('now');
    expect(raidBannerText('vega', 57)).toBe('Raiding vega in 57 s');
    expect(raidBannerText('vega', 0)).toBe('Raiding vega now…');
    expect(raidedText('nova', 12)).toBe('nova is raiding with 12 viewers');
    expect(raidedText('nova', 1)).toBe('nova is raiding with 1 viewer');
  });
});

describe('raid parsing', () => {
  it('reads raid answers', () => {
    expect(parseRaidAnswer({ raid: { target: 'vega', viewers: 12, go_at_ms: 9, state: 'countdown' } })).toEqual({
      target: 'vega', viewers: 12, go_at_ms: 9, state: 'countdown',
    });
    expect(parseRaidAnswer({ raid: null })).toBeNull();
    expect(parseRaidAnswer({})).toBeNull();
  });

  it('reads settings, defaulting to everyone', () => {
    expect(parseRaidSettings({ accept: 'followed', blocked: ['zed', 'abe', 'zed', 3] })).toEqual({ accept: 'followed', blocked: ['abe', 'zed'] });
    expect(parseRaidSettings({ accept: 'odd' })).toEqual({ accept: 'everyone', blocked: [] });
  });

  it('reads the room frames', () => {
    expect(parseRaidFrame({ type: 'raid', target: 'vega', viewers: 3, go_at_ms: 5 })).toEqual({
      kind: 'countdown', raid: { target: 'vega', viewers: 3, go_at_ms: 5, state: 'countdown' },
    });
    expect(parseRaidFrame({ type: 'raid_cancelled' })).toEqual({ kind: 'cancelled' });
    expect(parseRaidFrame({ type: 'raid_go', target: 'vega' })).toEqual({ kind: 'go', target: 'vega' });
    expect(parseRaidFrame({ type: 'raided', from: 'nova', viewers: 7 })).toEqual({ kind: 'raided', from: 'nova', viewers: 7 });
    expect(parseRaidFrame({ type: 'raid_go' })).toBeNull();
    expect(parseRaidFrame({ type: 'raid' })).toBeNull();
    expect(parseRaidFrame({ type: 'msg' })).toBeNull();
  });

  it('explains refusals and tidies targets', () => {
    expect(raidErrorText(new ApiError(404, 'not_found', 'x'), 'vega')).toBe('There is no channel named vega.');
    expect(raidErrorText(new ApiError(403, 'forbidden', 'x'), 'vega')).toMatch(/does not accept/);
    expect(raidErrorText(new ApiError(409, 'conflict', 'target is offline'), 'vega')).toBe('target is offline');
    expect(raidErrorText(new TypeError('x'))).toMatch(/reach/);
    expect(normaliseTarget('  @Vega ')).toBe('vega');
    expect(normaliseTarget('/c/vega')).toBe('vega');
  });
});

describe('raid calls', () => {
  it('posts the target and falls back to a local blocked list', async () => {
    const seen: string[] = [];
    const answers: unknown[] = [{ raid: { target: 'vega', viewers: 3, go_at_ms: 9, state: 'countdown' } }, { ok: true }, { accept: 'everyone', blocked: ['b'] }];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push(`${init.method} ${url}${init.body ? ` ${String(init.body)}` : ''}`);
      return new Response(JSON.stringify(answers.shift()), { status: url.endsWith('/raid') ? 201 : 200 });
    }) as unknown as typeof fetch;
    try {
      expect((await startRaid('t', 'nova', 'vega'))?.target).toBe('vega');
      expect(await setRaidBlock('t', 'nova', 'zed', true, ['abe'])).toEqual(['abe', 'zed']);
      expect(await setRaidBlock('t', 'nova', 'a', false, ['a', 'b'])).toEqual(['b']);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual([
      'POST /api/v1/channels/nova/raid {"target":"vega"}',
      'POST /api/v1/channels/nova/raid-blocks/zed',
      'DELETE /api/v1/channels/nova/raid-blocks/a',
    ]);
  });
});
