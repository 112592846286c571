import { describe, expect, it } from 'vitest';
import { canPlayFlac, firstRendition, FLAC_MSE_TYPE } from './flacChoice';

const answer = (status: number, body: unknown) =>
  (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

describe('the WebSocket player asks for the FLAC rendition', () => {
  it('only where MSE plays FLAC in MP4', () => {
    const asked: string[] = [];
    expect(canPlayFlac({ isTypeSupported: (t) => (asked.push(t), true) })).toBe(true);
    expect(asked).toEqual([FLAC_MSE_TYPE]);
    expect(canPlayFlac({ isTypeSupported: () => false })).toBe(false);
    expect(canPlayFlac(undefined)).toBe(false);
  });

  it('for a channel in DJ mode, else the source (AAC)', async () => {
    expect(await firstRendition('dj', answer(200, { dj_mode: true }), true)).toBe('flac');
    expect(await firstRendition('dj', answer(200, { dj_mode: false }), true)).toBe('source');
    expect(await firstRendition('dj', answer(200, { dj_mode: true }), false)).toBe('source');
    expect(await firstRendition('dj', answer(404, { error: 'not_found' }), true)).toBe('source');
    const failing = (async () => {
      throw new TypeError('offline');
    }) as unknown as typeof fetch;
    expect(await firstRendition('dj', failing, true)).toBe('source');
  });

  it('without waiting long for the answer', async () => {
    const never = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as unknown as typeof fetch;
    expect(await firstRendition('dj', never, true, 20)).toBe('source');
  });
});
