// Typed client for discovery: live channels by viewers or start, categories, and search
// (docs/api.md, Channels and search).
import { ApiError, getJson, parseChannel, type Channel, type Fetch } from './api';
import { request } from './accountApi';

export type BrowseSort = 'viewers' | 'recent' | 'featured' | 'trending';

export const BROWSE_SORTS: readonly { value: BrowseSort; label: string }[] = [
  { value: 'viewers', label: 'Viewers' },
  { value: 'recent', label: 'Recently started' },
  { value: 'featured', label: 'Featured' },
  { value: 'trending', label: 'Trending' },
];

/** A directory row: a channel plus its category, whether staff feature it, and (sort=trending) its score. */
export interface DirectoryChannel extends Channel {
  category: string;
  featured: boolean;
  trending: number | null;
}

/** A recommended channel with the one-line reason for it. */
export interface RecommendedChannel extends DirectoryChannel {
  reason: string;
}

export interface BrowsePage {
  channels: DirectoryChannel[];
  total: number;
  /** The `offset` of the following page; null on the last one. */
  next_offset: number | null;
}

export interface Category {
  name: string;
  channels: number;
  live_channels: number;
  viewers: number;
}

export interface SearchResults {
  channels: DirectoryChannel[];
  categories: { name: string; live_channels: number }[];
}

export interface BrowseQuery {
  sort: BrowseSort;
  category?: string;
  offset?: number;
  limit?: number;
}

export const BROWSE_PAGE_SIZE = 24;

const count = (v: unknown) => (typeof v === 'number' && v >= 0 ? v : 0);

export function parseBrowseSort(v: string | null): BrowseSort {
  return BROWSE_SORTS.find((s) => s.value === v)?.value ?? 'viewers';
}

export function browseUrl({ sort, category, offset = 0, limit = BROWSE_PAGE_SIZE }: BrowseQuery): string {
  const q = new URLSearchParams({ live: 'true', sort, limit: String(limit) });
  if (category) q.set('category', category);
  if (offset > 0) q.set('offset', String(offset));
  return `/api/v1/channels?${q.toString()}`;
}

/** The web page showing live channels, optionally of one category. */
export function browsePath(category?: string): string {
  return category ? `/browse?${new URLSearchParams({ category }).toString()}` : '/browse';
}

export function searchPath(q: string): string {
  return `/search?${new URLSearchParams({ q }).toString()}`;
}

export function parseDirectoryChannel(v: unknown): DirectoryChannel {
  const o = (v ?? {}) as { category?: unknown; featured?: unknown; trending?: unknown };
  return {
    ...parseChannel(v),
    category: typeof o.category === 'string' ? o.category : '',
    featured: o.featured === true,
    trending: typeof o.trending === 'number' && Number.isFinite(o.trending) ? o.trending : null,
  };
}

export function parseRecommendations(v: unknown): RecommendedChannel[] {
  const list = (v as { channels?: unknown } | null)?.channels;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'channels list missing');
  return list
    .filter((c) => typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string')
    .map((c) => {
      const reason = (c as { reason?: unknown }).reason;
      return { ...parseDirectoryChannel(c), reason: typeof reason === 'string' ? reason : '' };
    });
}

function channelList(v: unknown): DirectoryChannel[] {
  const list = (v as { channels?: unknown } | null)?.channels;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'channels list missing');
  return list.map(parseDirectoryChannel);
}

export function parseBrowsePage(v: unknown): BrowsePage {
  const channels = channelList(v);
  const o = v as Record<string, unknown>;
  return {
    channels,
    total: typeof o.total === 'number' ? o.total : channels.length,
    next_offset: typeof o.next_offset === 'number' ? o.next_offset : null,
  };
}

/** Named category objects; channels without a category count under "", which is no category to show. */
function namedCategories(list: unknown[]): Record<string, unknown>[] {
  return list.filter(
    (c): c is Record<string, unknown> =>
      typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string' && (c as { name: string }).name !== '',
  );
}

export function parseCategories(v: unknown): Category[] {
  const list = (v as { categories?: unknown } | null)?.categories;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'categories list missing');
  return namedCategories(list).map((c) => ({
      name: c.name as string,
      channels: count(c.channels),
      live_channels: count(c.live_channels),
      viewers: count(c.viewers),
    }));
}

export function parseSearchResults(v: unknown): SearchResults {
  const channels = channelList(v);
  const list = (v as { categories?: unknown }).categories;
  const categories = namedCategories(Array.isArray(list) ? list : []).map((c) => ({ name: c.name as string, live_channels: count(c.live_channels) }));
  return { channels, categories };
}

export async function fetchBrowsePage(query: BrowseQuery, signal?: AbortSignal, fetchImpl: Fetch = fetch): Promise<BrowsePage> {
  return parseBrowsePage(await getJson(browseUrl(query), fetchImpl, signal));
}

export async function fetchCategories(signal?: AbortSignal, fetchImpl: Fetch = fetch): Promise<Category[]> {
  return parseCategories(await getJson('/api/v1/categories?limit=100', fetchImpl, signal));
}

export async function searchChannels(q: string, signal?: AbortSignal, fetchImpl: Fetch = fetch): Promise<SearchResults> {
  const url = `/api/v1/search?${new URLSearchParams({ q, limit: '50' }).toString()}`;
  return parseSearchResults(await getJson(url, fetchImpl, signal));
}

/** Channels picked for the signed-in user (GET me/recommendations). */
export async function fetchRecommendations(token: string): Promise<RecommendedChannel[]> {
  return parseRecommendations(await request('GET', '/api/v1/me/recommendations', { token }));
}

/** Every live channel of the directory (`live=true`, by name), paging with `after`, up to `maxPages` of 100. */
export async function fetchAllLive(signal?: AbortSignal, fetchImpl: Fetch = fetch, maxPages = 10): Promise<DirectoryChannel[]> {
  const rows: DirectoryChannel[] = [];
  let after = '';
  for (let page = 0; page < maxPages; page++) {
    const q = new URLSearchParams({ live: 'true', limit: '100' });
    if (after) q.set('after', after);
    const body = await getJson(`/api/v1/channels?${q.toString()}`, fetchImpl, signal);
    rows.push(...channelList(body));
    const next = (body as { next?: unknown }).next;
    if (typeof next !== 'string' || next === '') break;
    after = next;
  }
  return rows;
}
