import { useEffect, useState } from 'preact/hooks';
import { browsePath, fetchCategories, type Category } from '../discoveryApi';
import { formatViewers } from '../format';

type CategoriesState = { kind: 'loading' } | { kind: 'ready'; categories: Category[] } | { kind: 'error' };

const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Every category, most watched first, each leading to its live channels. */
export function CategoriesPage() {
  const [state, setState] = useState<CategoriesState>({ kind: 'loading' });

  useEffect(() => {
    document.title = 'Categories · AeThex LIVE';
    const ctl = new AbortController();
    fetchCategories(ctl.signal)
      .then((categories) => setState({ kind: 'ready', categories }))
      .catch(() => {
        if (!ctl.signal.aborted) setState({ kind: 'error' });
      });
    return () => ctl.abort();
  }, []);

  return (
    <main class="home categories" data-state={state.kind}>
      <h1 class="section-title">Categories</h1>
      {state.kind === 'loading' && <p class="muted">Loading…</p>}
      {state.kind === 'error' && (
        <p class="notice" id="categories-error">
          Couldn't reach the server. Reload to try again.
        </p>
      )}
      {state.kind === 'ready' && state.categories.length === 0 && (
        <div class="empty" id="categories-empty">
          <p class="empty-title">No categories yet.</p>
          <p class="muted">A channel's category appears here once its owner sets one.</p>
        </div>
      )}
      {state.kind === 'ready' && state.categories.length > 0 && (
        <ul class="category-grid" id="categories-list">
          {state.categories.map((c) => (
            <li key={c.name}>
              <a class="category-card" href={browsePath(c.name)} data-category={c.name} data-live-channels={c.live_channels}>
                <span class="category-initial" aria-hidden="true">
                  {c.name.slice(0, 1).toUpperCase()}
                </span>
                <span class="category-name">{c.name}</span>
                <span class="category-live">{countOf(c.live_channels, 'live channel')}</span>
                <span class="muted category-stats">
                  {formatViewers(c.viewers)} · {countOf(c.channels, 'channel')}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
