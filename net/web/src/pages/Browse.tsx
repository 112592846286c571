import { useEffect, useState } from 'preact/hooks';
import { BROWSE_SORTS, browsePath, fetchBrowsePage, parseBrowseSort, type BrowseSort, type DirectoryChannel } from '../discoveryApi';
import { ChannelCard } from '../components/ChannelCard';

type BrowseState =
  | { kind: 'loading' }
  | { kind: 'ready'; channels: DirectoryChannel[]; total: number; next: number | null }
  | { kind: 'error' };

/** Live channels, most watched, latest started, featured or trending first, optionally of one category. */
export function BrowsePage({ category }: { category: string }) {
  const [sort, setSort] = useState<BrowseSort>('viewers');
  const [state, setState] = useState<BrowseState>({ kind: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    document.title = category ? `${category} · AeThex LIVE` : 'Browse · AeThex LIVE';
    const ctl = new AbortController();
    setState({ kind: 'loading' });
    fetchBrowsePage({ sort, category }, ctl.signal)
      .then((page) => setState({ kind: 'ready', channels: page.channels, total: page.total, next: page.next_offset }))
      .catch(() => {
        if (!ctl.signal.aborted) setState({ kind: 'error' });
      });
    return () => ctl.abort();
  }, [sort, category]);

  async function loadMore() {
    if (state.kind !== 'ready' || state.next === null) return;
    setLoadingMore(true);
    try {
      const page = await fetchBrowsePage({ sort, category, offset: state.next });
      setState((s) => {
        if (s.kind !== 'ready') return s;
        // Viewer counts move between pages: a channel may come round twice.
        const seen = new Set(s.channels.map((c) => c.name));
        const channels = [...s.channels, ...page.channels.filter((c) => !seen.has(c.name))];
        return { kind: 'ready', channels, total: page.total, next: page.next_offset };
      });
    } catch {
      // The button stays: another click retries.
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <main class="home browse" data-state={state.kind}>
      <div class="page-head">
        <h1 class="section-title" id="browse-title">
          {category || 'Browse live channels'}
        </h1>
        {category && (
          <a class="page-head-link" id="browse-clear" href={browsePath()}>
            All categories ✕
          </a>
        )}
        <label class="page-head-sort">
          Sort by{' '}
          <select id="browse-sort" value={sort} onChange={(e) => setSort(parseBrowseSort((e.target as HTMLSelectElement).value))}>
            {BROWSE_SORTS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {state.kind === 'loading' && <p class="muted">Loading…</p>}
      {state.kind === 'error' && (
        <p class="notice" id="browse-error">
          Couldn't reach the server. Reload to try again.
        </p>
      )}
      {state.kind === 'ready' && state.channels.length === 0 && (
        <div class="empty" id="browse-empty">
          <p class="empty-title">{category ? `Nobody is live in ${category}.` : 'Nobody is live right now.'}</p>
          <p class="muted">
            <a href="/categories">See all categories</a>
          </p>
        </div>
      )}
      {state.kind === 'ready' && state.channels.length > 0 && (
        <>
          <ul class="channel-grid" id="browse-list">
            {state.channels.map((c) => (
              <li key={c.name}>
                <ChannelCard channel={c} extraClass="browse-card" thumbnail />
              </li>
            ))}
          </ul>
          {state.next !== null && (
            <button type="button" class="load-more" id="browse-more" disabled={loadingMore} onClick={loadMore}>
              {loadingMore ? 'Loading…' : `Load more (${state.total - state.channels.length} left)`}
            </button>
          )}
        </>
      )}
    </main>
  );
}
