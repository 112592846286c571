// The chat box's emote picker: the built-in emotes, then the channel's own (images). A choice is
// written into the message as `:code: ` at the caret. Buttons throughout, so the keyboard reaches
// every emote; Escape closes and gives the focus back to the toggle.
import { useEffect, useRef, useState } from 'preact/hooks';
import { EMOTES } from './emotes';
import type { CustomEmote } from './customEmotes';
import { emoteLocked } from '../subs/subsApi';

/** `text` with `:code: ` put over the selection [start, end), and where the caret goes after it. */
export function insertEmote(text: string, start: number, end: number, code: string): { text: string; caret: number } {
  const before = text.slice(0, start);
  // A token glued to the previous word still renders, but reads badly: keep a space before it.
  const lead = before === '' || /\s$/.test(before) ? '' : ' ';
  const token = `${lead}:${code}: `;
  return { text: before + token + text.slice(end), caret: start + token.length };
}

export function EmotePicker({
  emotes,
  disabled,
  onPick,
  viewerTier = 0,
}: {
  emotes: readonly CustomEmote[];
  disabled?: boolean;
  onPick: (code: string) => void;
  /** The viewer's subscriber tier: sub emotes above it show locked. */
  viewerTier?: number;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  // The first emote takes the focus, so the keyboard continues inside the picker; a click
  // elsewhere closes it.
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('.emote-pick')?.focus();
    const away = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const pick = (code: string) => {
    setOpen(false);
    onPick(code);
  };

  return (
    <div
      class="emote-picker"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close();
        }
      }}
    >
      <button
        type="button"
        ref={toggle}
        class="emote-picker-toggle"
        id="emote-picker-toggle"
        aria-label="Emotes"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="emote-picker-panel"
        title="Emotes"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        ☺
      </button>
      {open && (
        <div class="emote-picker-panel" id="emote-picker-panel" role="group" aria-label="Emotes">
          <div class="emote-picker-grid" data-testid="emote-picker-builtin">
            {Object.entries(EMOTES).map(([name, glyph]) => (
              <button
                type="button"
                key={name}
                class="emote-pick"
                data-code={name}
                aria-label={`:${name}:`}
                title={`:${name}:`}
                onClick={() => pick(name)}
              >
                {glyph}
              </button>
            ))}
          </div>
          {emotes.length > 0 && (
            <>
              <p class="emote-picker-heading">This channel</p>
              <div class="emote-picker-grid" data-testid="emote-picker-custom">
                {emotes.map((e) => {
                  const locked = emoteLocked(e.tier ?? 0, viewerTier);
                  const label = locked ? `:${e.code}: (tier ${e.tier} subscribers)` : `:${e.code}:`;
                  return (
                    <button
                      type="button"
                      key={e.code}
                      class={locked ? 'emote-pick emote-locked' : 'emote-pick'}
                      data-code={e.code}
                      aria-label={label}
                      aria-disabled={locked}
                      title={label}
                      onClick={() => !locked && pick(e.code)}
                    >
                      <img src={e.url} alt="" width={28} height={28} loading="lazy" />
                      {locked && <span class="emote-lock">🔒</span>}
                    </button>
                  );
                })}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
