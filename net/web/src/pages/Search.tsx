import { useEffect, useState } from 'preact/hooks';
import { browsePath, searchChannels, type SearchResults } from '../discoveryApi';
import { channelPath } from '../router';
import { formatViewers } from '../format';
import { LiveBadge } from '../components/LiveBadge';

type SearchState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; results: SearchResults } | { kind: 'error' };

/** Channels and categories matching the top bar's search. */
export function SearchPage({ q }: { q: string }) {
  const [state, setState] = useState<SearchState>({ kind: q ? 'loading' : 'idle' });

  useEffect(() => {
    document.title = q ? `${q} · Search · AeThex LIVE` : 'Search · AeThex LIVE';
    if (!q) {
      setState({ kind: 'idle' });
      return;
    }
    const ctl = new AbortController();
    setState({ kind: 'loading' });
    searchChannels(q, ctl.signal)
      .then((results) => setState({ kind: 'ready', results }))
      .catch(() => {
        if (!ctl.signal.aborted) setState({ kind: 'error' });
      });
    return () => ctl.abort();
  }, [q]);

  const empty = state.kind === 'ready' && state.results.channels.length === 0 && state.results.categories.length === 0;
  return (
    <main class="home search" data-state={state.kind}>
      <h1 class="section-title">{q ? <>Results for “{q}”</> : 'Search'}</h1>
      {state.kind === 'idle' && <p class="muted">Type a channel, title or category in the search box above.</p>}
      {state.kind === 'loading' && <p class="muted">Searching…</p>}
      {state.kind === 'error' && (
        <p class="notice" id="search-error">
          The search failed. Try again in a moment.
        </p>
      )}
      {empty && (
        <div class="empty" id="search-empty">
          <p class="empty-title">Nothing matches “{q}”.</p>
          <p class="muted">
            <a href="/browse">Browse live channels</a>
          </p>
        </div>
      )}
      {state.kind === 'ready' && state.results.categories.length > 0 && (
        <section class="search-section">
          <h2 class="search-heading">Categories</h2>
          <ul class="search-categories" id="search-categories">
            {state.results.categories.map((c) => (
              <li key={c.name}>
                <a class="search-category" href={browsePath(c.name)} data-category={c.name}>
                  {c.name} <span class="muted">· {c.live_channels} live</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {state.kind === 'ready' && state.results.channels.length > 0 && (
        <section class="search-section">
          <h2 class="search-heading">Channels</h2>
          <ul class="search-results" id="search-results">
            {state.results.channels.map((c) => (
              <li key={c.name}>
                <a class="search-result" href={channelPath(c.name)} data-channel={c.name}>
                  <span class="avatar search-avatar" aria-hidden="true">
                    {c.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span class="search-text">
                    <span class="search-name">
                      {c.name} {c.live && <LiveBadge />}
                    </span>
                    <span class="search-title">{c.title || 'Untitled stream'}</span>
                    <span class="muted">
                      {[c.category, c.live ? formatViewers(c.viewers) : 'Offline'].filter(Boolean).join(' · ')}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
