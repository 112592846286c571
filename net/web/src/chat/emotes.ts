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

export type Segment = { text: string } | { emote: string; glyph: string };

/** Splits chat text into plain text and known emotes (unknown `:x:` stays text). */
export function renderSegments(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /:([a-z0-9_]+):/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const glyph = EMOTES[m[1]];
    if (!glyph) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ emote: m[1], glyph });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
