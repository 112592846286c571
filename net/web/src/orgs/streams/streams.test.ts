import { describe, expect, it } from 'vitest';
import { memberList, parseAnalytics, parsePolicy, uploadOrgEmote } from './api';

describe('org streams api', () => {
  it('parses a policy with keys shown once', () => {
    const p = parsePolicy({
      moderators: [{ user: 'mia', by: 'olga' }],
      bans: [{ user: 'troll', reason: 'spam', by: 'adam', at_ms: 5 }],
      rules: [{ channel: 'acme_one', members: [{ member: 'mia', has_key: true }] }],
      schedule: [{ id: 'a1', channel: 'acme_one', title: 'Launch', starts_at_ms: 9, duration_min: 60, streamer: null }],
      keys: [{ member: 'mia', key: 'live_acme_one_o.acme.x' }],
    });
    expect(p.moderators).toEqual(['mia']);
    expect(p.bans[0]).toEqual({ user: 'troll', reason: 'spam', by: 'adam', at_ms: 5 });
    expect(p.rules[0].members[0].has_key).toBe(true);
    expect(p.schedule[0].streamer).toBeNull();
    expect(p.keys[0].key).toContain('_o.acme.');
    expect(parsePolicy(null).keys).toEqual([]);
    expect(parsePolicy({ emotes: ['acmeHype', 7] }).emotes).toEqual(['acmeHype']);
  });
  it('parses analytics and member lists', () => {
    const a = parseAnalytics({ totals: { views: 3 }, channels: [{ channel: 'a', totals: { views: 1, bad: 'x' } }] });
    expect(a.totals.views).toBe(3);
    expect(a.channels[0].totals.bad).toBe(0);
    expect(memberList(' mia, max  mia,')).toEqual(['mia', 'max']);
  });
  it('uploads an org emote as the raw image and reads refusals', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const ok = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ code: 'acmeHype', url: '/api/v1/emotes/org-acme/0123456789abcdef', format: 'png' }), { status: 201 });
    }) as unknown as typeof fetch;
    const image = new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' });
    const e = await uploadOrgEmote('t', 'acme', 'acmeHype', image, ok);
    expect(e.url).toBe('/api/v1/emotes/org-acme/0123456789abcdef');
    expect(calls[0].url).toBe('/api/v1/orgs/acme/emotes/acmeHype');
    expect(calls[0].init.body).toBe(image);
    const refused = (async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'only the org' } }), { status: 403 })) as unknown as typeof fetch;
    await expect(uploadOrgEmote('t', 'acme', 'acmeHype', image, refused)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
