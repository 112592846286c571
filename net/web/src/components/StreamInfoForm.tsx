// Stream manager: title, category (autocompleted from the category catalogue) and tags, editable
// while live (PATCH /api/v1/channels/<name>).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { fetchManagedChannel, parseTags, updateChannel } from '../accountApi';
import { fetchCategories } from '../discoveryApi';
import { useAlive } from './useAlive';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function StreamInfoForm({ name, token }: { name: string; token: string }) {
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState('');
  const [tags, setTags] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchManagedChannel(name)
      .then((c) => {
        if (!alive.current) return;
        setTitle(c.title);
        setCategory(c.category);
        setTags(c.tags.join(', '));
      })
      .catch((e) => alive.current && setStatus({ ok: false, text: errorText(e) }));
    fetchCategories()
      .then((list) => alive.current && setCategories(list.map((c) => c.name)))
      .catch(() => undefined); // free text still works
  }, [name]);

  async function save(ev: Event) {
    ev.preventDefault();
    setStatus(null);
    try {
      const c = await updateChannel(token, name, { title: title.trim(), category: category.trim(), tags: parseTags(tags) });
      if (!alive.current) return;
      setTags(c.tags.join(', '));
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      if (alive.current) setStatus({ ok: false, text: errorText(e) });
    }
  }

  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return (
    <section class="dash-card" id="stream-info" aria-label="Stream info">
      <h2>Stream info</h2>
      <form class="dash-form" id="edit-channel-form" onSubmit={save} noValidate>
        <label>
          Title
          <input id="edit-title" value={title} maxLength={140} onInput={input(setTitle)} />
        </label>
        <label>
          Category
          <input id="edit-category" value={category} maxLength={64} list="category-options" autoComplete="off" onInput={input(setCategory)} />
          <datalist id="category-options">
            {categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label>
          Tags <span class="muted">(comma separated, up to 10)</span>
          <input id="edit-tags" value={tags} onInput={input(setTags)} />
        </label>
        <div class="dash-row">
          <button class="btn btn-primary" id="save-channel" type="submit">
            Save
          </button>
          {status && (
            <p class={status.ok ? 'form-ok' : 'form-error'} id="save-status" role="status">
              {status.text}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
