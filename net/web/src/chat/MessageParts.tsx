// The parts of a chat line that live chat and VOD chat replay share: badges and text with emotes.
import { renderSegments } from './emotes';

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

export function Segments({ text }: { text: string }) {
  return (
    <>
      {renderSegments(text).map((seg) =>
        'emote' in seg ? (
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
