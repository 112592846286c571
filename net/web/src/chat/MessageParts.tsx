// The parts of a chat line that live chat and VOD chat replay share: badges and text with emotes.
import { renderSegments, type ImageEmote } from './emotes';

/** Room roles as badges (docs/moderation.md): VIPs and editors beside the moderators. */
const BADGE_GLYPHS: Record<string, string> = { broadcaster: '🎥', moderator: '🛡️', admin: '⚙️', vip: '💎', editor: '✏️' };

export function Badges({ badges }: { badges: string[] }) {
  return (
    <>
      {badges.map((b) => (
        <span class={`chat-badge badge-${b}`} title={b}>
          {BADGE_GLYPHS[b] ?? '★'}
        </span>
      ))}
    </>
  );
}

/** Chat text with built-in emotes as unicode and the channel's custom ones (`emotes`) as images. */
export function Segments({ text, emotes }: { text: string; emotes?: readonly ImageEmote[] }) {
  return (
    <>
      {renderSegments(text, emotes).map((seg) =>
        'image' in seg ? (
          <img class="chat-emote" src={seg.image} alt={`:${seg.emote}:`} title={seg.emote} width={28} height={28} loading="lazy" />
        ) : 'emote' in seg ? (
          <span class="emote" title={`:${seg.emote}:`}>
            {seg.glyph}
          </span>
        ) : (
          seg.text
        ),
      )}
    </>
  );
}
