import { describe, expect, it } from 'vitest';
import {
  browsePath,
  browseUrl,
  fetchAllLive,
  fetchBrowsePage,
  parseBrowsePage,
  parseBrowseSort,
  parseCategories,
  parseRecommendations,
  parseSearchResults,
  searchChannels,
  searchPath,
} from './discoveryApi';
import { parseRoute } from './router';

const row = {
  name: 'nova',
  title: 'Night sky',
  category: 'Space',
  owner: 'ada',
  live: true,
  hls: '/hls/nova/index.m3u8',
  started_at_ms: 1000,
  viewers: 12,
  updated_ms: 1000,
};

const jsonFetch = (body: unknown, seen: string[] = []) =>
  (async (url: string) => {
    seen.push(url);
    return new Response(JSON.stringify(body), { status: 200 });
  }) as unknown as typeof fetch;

describe('discovery URLs', () => {
  it('builds browse queries', () => {
    expect(browseUrl({ sort: 'viewers' })).toBe('/api/v1/channels?live=true&sort=viewers&limit=24');
    expect(browseUrl({ sort: 'recent', category: 'Retro Games', offset: 24, limit: 10 })).toBe(
      '/api/v1/channels?live=true&sort=recent&limit=10&category=Retro+Games&offset=24',
    );
  });

  it('builds page paths the router reads back', () => {
    expect(browsePath()).toBe('/browse');
    expect(parseRoute(browsePath('Retro & Games'))).toEqual({ kind: 'browse', category: 'Retro & Games' });
    expect(parseRoute(searchPath('nova #1?'))).toEqual({ kind: 'search', q: 'nova #1?' });
  });

  it('reads the sort choice', () => {
    expect(parseBrowseSort('recent')).toBe('recent');
    expect(parseBrowseSort('viewers')).toBe('viewers');
    expect(parseBrowseSort(null)).toBe('viewers');
    expect(parseBrowseSort('bogus')).toBe('viewers');
    expect(parseBrowseSort('featured')).toBe('featured');
    expect(parseBrowseSort('trending')).toBe('trending');
    expect(browseUrl({ sort: 'trending' })).toBe('/api/v1/channels?live=true&sort=trending&limit=24');
  });
});

describe('discovery parsers', () => {
  it('parses a browse page with its next offset', () => {
    const page = parseBrowsePage({ channels: [row, { name: 'quiet' }], total: 30, next_offset: 2 });
    expect(page.total).toBe(30);
    expect(page.next_offset).toBe(2);
    expect(page.channels[0]).toMatchObject({ name: 'nova', category: 'Space', viewers: 12, live: true, started_at_ms: 1000 });
    expect(page.channels[1]).toMatchObject({ name: 'quiet', category: '', viewers: 0, started_at_ms: null });
    expect(parseBrowsePage({ channels: [], next_offset: null })).toEqual({ channels: [], total: 0, next_offset: null });
    expect(() => parseBrowsePage({})).toThrow(/channels/);
    expect(() => parseBrowsePage({ channels: [{ title: 'no name' }] })).toThrow(/name/);
  });

  it('reads featured, trending and the owner', () => {
    const [a, b] = parseBrowsePage({ channels: [{ ...row, featured: true, trending: 4.5 }, { name: 'quiet', trending: 'x' }] }).channels;
    expect(a).toMatchObject({ featured: true, trending: 4.5, owner: 'ada' });
    expect(b).toMatchObject({ featured: false, trending: null });
    expect(b?.owner).toBeUndefined();
  });

  it('parses recommendations with their reasons', () => {
    const recs = parseRecommendations({ channels: [{ ...row, reason: 'Because you follow vega' }, { name: 'x' }, { reason: 'no name' }] });
    expect(recs.map((r) => [r.name, r.reason, r.category])).toEqual([
      ['nova', 'Because you follow vega', 'Space'],
      ['x', '', ''],
    ]);
    expect(() => parseRecommendations({})).toThrow(/channels/);
  });

  it('parses categories, dropping the unnamed one', () => {
    const categories = parseCategories({
      categories: [
        { name: 'Space', channels: 3, live_channels: 1, viewers: 12 },
        { name: '', channels: 5, live_channels: 2, viewers: 4 },
        { name: 'Games' },
        'junk',
      ],
    });
    expect(categories).toEqual([
      { name: 'Space', channels: 3, live_channels: 1, viewers: 12 },
      { name: 'Games', channels: 0, live_channels: 0, viewers: 0 },
    ]);
    expect(() => parseCategories({})).toThrow(/categories/);
  });

  it('parses search results', () => {
    const results = parseSearchResults({
      channels: [{ ...row, score: 3 }],
      categories: [{ name: 'Space', live_channels: 1 }, { name: '', live_channels: 9 }],
    });
    expect(results.channels.map((c) => c.name)).toEqual(['nova']);
    expect(results.channels[0]?.category).toBe('Space');
    expect(results.categories).toEqual([{ name: 'Space', live_channels: 1 }]);
    expect(parseSearchResults({ channels: [] }).categories).toEqual([]);
  });
});

describe('discovery fetches', () => {
  it('pages through the live directory', async () => {
    const seen: string[] = [];
    const pages = [{ channels: [row], next: 'nova' }, { channels: [{ ...row, name: 'vega' }], next: null }];
    const fetchPages = (async (url: string) => {
      seen.push(url);
      return new Response(JSON.stringify(pages.shift()), { status: 200 });
    }) as unknown as typeof fetch;
    expect((await fetchAllLive(undefined, fetchPages)).map((c) => c.name)).toEqual(['nova', 'vega']);
    expect(seen).toEqual(['/api/v1/channels?live=true&limit=100', '/api/v1/channels?live=true&limit=100&after=nova']);
  });

  it('asks the right URLs', async () => {
    const seen: string[] = [];
    const page = await fetchBrowsePage({ sort: 'recent', category: 'Space' }, undefined, jsonFetch({ channels: [row], total: 1, next_offset: null }, seen));
    expect(page.channels).toHaveLength(1);
    await searchChannels('night sky', undefined, jsonFetch({ channels: [], categories: [] }, seen));
    expect(seen).toEqual([
      '/api/v1/channels?live=true&sort=recent&limit=24&category=Space',
      '/api/v1/search?q=night+sky&limit=50',
    ]);
  });
});
