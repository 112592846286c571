// Built-in `:name:` emotes (kept in sync with actors/chat/chat_text.cpp) and chat text rendering.

export const EMOTES: Record<string, string> = {
  heart: '❤️', fire: '🔥', smile: '😄', laugh: '😂', wink: '😉', cool: '😎', sad: '😢', cry: '😭',
  angry: '😠', wow: '😮', thumbsup: '👍', thumbsdown: '👎', clap: '👏', wave: '👋', pray: '🙏',
  party: '🎉', gg: '🤝', pog: '😲', eyes: '👀', '100': '💯', rocket: '🚀', skull: '💀',
  think: '🤔', sparkles: '✨', star: '⭐', trophy: '🏆', music: '🎵', ok: '👌',
};

/** Reaction kinds the server accepts, with their glyphs. */
export const REACTIONS: Array<{ kind: string; glyph: string }> = [
  { kind: 'heart', glyph: '❤️' },
  { kind: 'fire', glyph: '🔥' },
  { kind: 'laugh', glyph: '😂' },
  { kind: 'clap', glyph: '👏' },
  { kind: 'wow', glyph: '😮' },
  { kind: 'pog', glyph: '😲' },
];

/** True for a built-in emote's name (own keys only: `:constructor:` is no emote). */
export function isBuiltin(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(EMOTES, name);
}

/** What renderSegments needs of a channel's custom emote. */
export interface ImageEmote {
  code: string;
  url: string;
}

export type Segment = { text: string } | { emote: string; glyph: string } | { emote: string; image: string };

// A lookup per list, built once however many lines render with it.
const lookups = new WeakMap<readonly ImageEmote[], Map<string, ImageEmote>>();

function lookup(custom: readonly ImageEmote[]): Map<string, ImageEmote> {
  let m = lookups.get(custom);
  if (!m) {
    m = new Map(custom.map((e) => [e.code, e]));
    lookups.set(custom, m);
  }
  return m;
}

/**
 * Splits chat text into plain text, built-in emotes (unicode) and the channel's custom emotes
 * (`custom`, images; codes are case-sensitive). An unknown `:x:` stays text.
 */
export function renderSegments(text: string, custom: readonly ImageEmote[] = []): Segment[] {
  const out: Segment[] = [];
  const images = lookup(custom);
  const re = /:([A-Za-z0-9_]+):/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1]!;
    // Built-in names are lower case and no custom code may take one, so the order is moot.
    const seg: Segment | null = isBuiltin(name) ? { emote: name, glyph: EMOTES[name]! } : images.has(name) ? { emote: name, image: images.get(name)!.url } : null;
    if (!seg) {
      // The closing colon may open the next token (`:nope:fire:`).
      re.lastIndex = m.index + m[0].length - 1;
      continue;
    }
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push(seg);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
