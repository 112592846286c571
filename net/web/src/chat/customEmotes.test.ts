import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderSegments } from './emotes';
import {
  checkDimensions,
  checkUpload,
  DEFAULT_LIMITS,
  emotesFromFrame,
  formatKib,
  parseAdminEmotes,
  parseEmote,
  parseEmoteList,
  withOrgEmotes,
  sniffFormat,
  uploadEmote,
  type CustomEmote,
  type EmoteList,
} from './customEmotes';
import { insertEmote } from './EmotePicker';
import { ApiError } from '../api';

const emote = (code: string, extra: Partial<CustomEmote> = {}): CustomEmote => ({
  code,
  id: `id_${code}`,
  format: 'png',
  width: 56,
  height: 56,
  bytes: 1000,
  frames: 1,
  url: `/api/v1/emotes/nova/id_${code}`,
  added_at_ms: 1,
  added_by: 'nova',
  ...extra,
});

describe('renderSegments with custom emotes', () => {
  const custom = [emote('novaHype'), emote('gg_wp')];

  it('turns the channel codes into images, built-ins into unicode, the rest into text', () => {
    expect(renderSegments('gg :novaHype: :fire: :nope:', custom)).toEqual([
      { text: 'gg ' },
      { emote: 'novaHype', image: '/api/v1/emotes/nova/id_novaHype' },
      { text: ' ' },
      { emote: 'fire', glyph: '🔥' },
      { text: ' :nope:' },
    ]);
  });

  it('matches codes case-sensitively', () => {
    expect(renderSegments(':novahype: :NOVAHYPE:', custom)).toEqual([{ text: ':novahype: :NOVAHYPE:' }]);
    expect(renderSegments(':Fire:', custom)).toEqual([{ text: ':Fire:' }]);
  });

  it('renders emotes back to back, and a closing colon may open the next one', () => {
    expect(renderSegments(':gg_wp::novaHype:', custom)).toEqual([
      { emote: 'gg_wp', image: '/api/v1/emotes/nova/id_gg_wp' },
      { emote: 'novaHype', image: '/api/v1/emotes/nova/id_novaHype' },
    ]);
    expect(renderSegments('a:nope:fire:', custom)).toEqual([{ text: 'a:nope' }, { emote: 'fire', glyph: '🔥' }]);
  });

  it('without a list (or with an empty one) knows only the built-ins', () => {
    expect(renderSegments(':novaHype: :heart:')).toEqual([{ text: ':novaHype: ' }, { emote: 'heart', glyph: '❤️' }]);
    expect(renderSegments(':novaHype:', [])).toEqual([{ text: ':novaHype:' }]);
  });

  it('takes no prototype key for an emote', () => {
    expect(renderSegments(':constructor: :__proto__:', custom)).toEqual([{ text: ':constructor: :__proto__:' }]);
  });

  it('sees a changed list (a new array) at once', () => {
    const before = [emote('novaHype')];
    expect(renderSegments(':gg_wp:', before)).toEqual([{ text: ':gg_wp:' }]);
    expect(renderSegments(':gg_wp:', [...before, emote('gg_wp')])).toEqual([{ emote: 'gg_wp', image: '/api/v1/emotes/nova/id_gg_wp' }]);
  });
});

describe('emote lists', () => {
  const raw = {
    code: 'novaHype',
    id: '0123456789abcdef',
    format: 'gif',
    width: 56,
    height: 56,
    bytes: 2048,
    frames: 12,
    url: '/api/v1/emotes/nova/0123456789abcdef',
    added_at_ms: 1700000000000,
    added_by: 'nova',
  };

  it('parses the list answer with its limits, dropping unusable entries', () => {
    const list = parseEmoteList({
      emotes: [raw, { ...raw, code: 'x' }, { ...raw, code: 'noUrl', url: undefined }, { ...raw, code: 'evil', url: 'https://evil.example/x.png' }, { ...raw, code: 'novaHype' }, 7],
      limits: { max_emotes: 10, png_max_bytes: 1000 },
    });
    expect(list.emotes).toEqual([{ ...raw, format: 'gif' }]);
    expect(list.limits).toEqual({ ...DEFAULT_LIMITS, max_emotes: 10, png_max_bytes: 1000 });
  });

  it('defaults what an emote lacks and refuses a list without emotes', () => {
    expect(parseEmote({ code: 'abc', url: '/api/v1/emotes/c/1' })).toMatchObject({ code: 'abc', format: 'png', frames: 1, bytes: 0, added_by: '' });
    expect(parseEmoteList({ emotes: [] }).limits).toEqual(DEFAULT_LIMITS);
    // A channel's list carries its orgs' shared emotes; the channel's own code wins.
    const withOrg = parseEmoteList({ emotes: [], org_emotes: [{ code: 'acmeHype', url: '/api/v1/emotes/org-acme/0123456789abcdef', org: 'acme' }] });
    expect(withOrg.org_emotes?.[0]?.code).toBe('acmeHype');
    expect(parseEmoteList({ emotes: [] }).org_emotes).toBeUndefined();
    const own = parseEmoteList({ emotes: [{ code: 'acmeHype', url: '/a' }] }).emotes;
    expect(withOrgEmotes(own, withOrg.org_emotes ?? []).map((e) => e.url)).toEqual(['/a']);
    expect(withOrgEmotes([], withOrg.org_emotes ?? []).length).toBe(1);
    expect(() => parseEmoteList({})).toThrow(ApiError);
    expect(() => parseEmoteList(null)).toThrow(ApiError);
  });

  it('parses the admin list: each emote with its channel', () => {
    const list = parseAdminEmotes({ emotes: [{ ...raw, channel: 'nova' }, raw] });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ channel: 'nova', code: 'novaHype', added_by: 'nova' });
    expect(() => parseAdminEmotes({})).toThrow(ApiError);
  });

  it('takes the whole new list from an emotes frame, the last one of a batch', () => {
    expect(emotesFromFrame({ type: 'emotes', emotes: [raw] })?.map((e) => e.code)).toEqual(['novaHype']);
    expect(emotesFromFrame({ type: 'emotes', emotes: [] })).toEqual([]);
    expect(emotesFromFrame([{ type: 'emotes', emotes: [raw] }, { type: 'msg' }, { type: 'emotes', emotes: [] }])).toEqual([]);
    expect(emotesFromFrame({ type: 'poll', emotes: [raw] })).toBeNull();
    expect(emotesFromFrame({ type: 'emotes' })).toBeNull();
    expect(emotesFromFrame(null)).toBeNull();
  });
});

describe('upload checks', () => {
  const list: EmoteList = { emotes: [emote('novaHype', { bytes: 100_000 })], limits: DEFAULT_LIMITS };
  const ok = { code: 'novaWave', size: 10_000, format: 'png' as const };
  const field = (r: ReturnType<typeof checkUpload>) => (r.ok ? null : r.field);

  it('passes a good candidate', () => {
    expect(checkUpload(ok, list)).toEqual({ ok: true });
    expect(checkUpload({ ...ok, format: 'gif', size: 512 * 1024 }, list)).toEqual({ ok: true });
  });

  it('checks the code: pattern, built-ins, taken (case-sensitive)', () => {
    expect(field(checkUpload({ ...ok, code: 'ab' }, list))).toBe('code');
    expect(field(checkUpload({ ...ok, code: 'a'.repeat(26) }, list))).toBe('code');
    expect(field(checkUpload({ ...ok, code: 'nova-wave' }, list))).toBe('code');
    expect(field(checkUpload({ ...ok, code: 'fire' }, list))).toBe('code');
    expect(field(checkUpload({ ...ok, code: 'novaHype' }, list))).toBe('code');
    expect(checkUpload({ ...ok, code: 'NovaHype' }, list)).toEqual({ ok: true });
    expect(checkUpload({ ...ok, code: 'constructor' }, list)).toEqual({ ok: true });
  });

  it('checks the format and the per-format byte limit', () => {
    expect(checkUpload({ ...ok, format: null }, list)).toMatchObject({ ok: false, field: 'file', error: expect.stringMatching(/PNG or GIF/) });
    expect(checkUpload({ ...ok, size: 256 * 1024 + 1 }, list)).toMatchObject({ ok: false, field: 'file', error: expect.stringMatching(/256 KiB/) });
    expect(checkUpload({ ...ok, size: 256 * 1024 }, list)).toEqual({ ok: true });
    expect(field(checkUpload({ ...ok, format: 'gif', size: 512 * 1024 + 1 }, list))).toBe('file');
    expect(field(checkUpload({ ...ok, size: 0 }, list))).toBe('file');
  });

  it('checks the channel limits: count and total bytes', () => {
    const full: EmoteList = { emotes: list.emotes, limits: { ...DEFAULT_LIMITS, max_emotes: 1 } };
    expect(checkUpload(ok, full)).toMatchObject({ ok: false, error: expect.stringMatching(/1\)/) });
    const tight: EmoteList = { emotes: list.emotes, limits: { ...DEFAULT_LIMITS, max_total_bytes: 105_000 } };
    expect(field(checkUpload(ok, tight))).toBe('file');
  });

  it('checks the decoded sides', () => {
    expect(checkDimensions(56, 56, DEFAULT_LIMITS)).toEqual({ ok: true });
    expect(checkDimensions(28, 28, DEFAULT_LIMITS)).toEqual({ ok: true });
    expect(checkDimensions(112, 112, DEFAULT_LIMITS)).toEqual({ ok: true });
    expect(checkDimensions(56, 50, DEFAULT_LIMITS)).toMatchObject({ ok: false, error: expect.stringMatching(/square/) });
    expect(checkDimensions(27, 27, DEFAULT_LIMITS).ok).toBe(false);
    expect(checkDimensions(113, 113, DEFAULT_LIMITS).ok).toBe(false);
  });

  it('recognises PNG and GIF by their first bytes only', () => {
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('GIF89a..'))).toBe('gif');
    expect(sniffFormat(new TextEncoder().encode('GIF87a'))).toBe('gif');
    expect(sniffFormat(new TextEncoder().encode('<svg xml'))).toBeNull();
    expect(sniffFormat(new Uint8Array([0x89, 0x50]))).toBeNull();
  });

  it('formats sizes', () => {
    expect(formatKib(512)).toBe('512 B');
    expect(formatKib(1536)).toBe('1.5 KiB');
    expect(formatKib(256 * 1024)).toBe('256 KiB');
  });
});

describe('uploading', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the raw bytes with the bearer token and returns the emote', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ code: 'novaHype', id: 'ab', format: 'png', url: '/api/v1/emotes/nova/ab', bytes: 3 }), { status: 201 });
    }) as unknown as typeof fetch;
    const body = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    const e = await uploadEmote('tok', 'nova', 'novaHype', body, fake);
    expect(e.code).toBe('novaHype');
    expect(calls[0]!.url).toBe('/api/v1/channels/nova/emotes/novaHype');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe(body);
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it("throws the server's error message", async () => {
    const refuse = (status: number, body: string) => (async () => new Response(body, { status })) as unknown as typeof fetch;
    const blob = new Blob(['x']);
    await expect(uploadEmote('t', 'nova', 'abc', blob, refuse(409, '{"error":{"code":"conflict","message":"code taken"}}'))).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'code taken',
    });
    // A proxy's 413 without a JSON body still reads as too large.
    await expect(uploadEmote('t', 'nova', 'abc', blob, refuse(413, '<html>'))).rejects.toMatchObject({ status: 413, message: 'The image is too large.' });
  });
});

describe('the emote picker', () => {
  it('puts `:code: ` at the caret, with a space before it after a word', () => {
    expect(insertEmote('', 0, 0, 'fire')).toEqual({ text: ':fire: ', caret: 7 });
    expect(insertEmote('gg', 2, 2, 'fire')).toEqual({ text: 'gg :fire: ', caret: 10 });
    expect(insertEmote('gg wp', 3, 3, 'novaHype')).toEqual({ text: 'gg :novaHype: wp', caret: 14 });
    // Over a selection.
    expect(insertEmote('gg XX wp', 3, 5, 'fire')).toEqual({ text: 'gg :fire:  wp', caret: 10 });
  });
});
