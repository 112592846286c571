// The parts of a chat line that live chat and VOD chat replay share: badges and text with emotes.
import { renderSegments, type ImageEmote } from './emotes';
import { parseSubBadge, subBadgeTitle } from '../subs/subsApi';
import { BADGE_GLYPHS as ACHIEVEMENT_GLYPHS, BADGE_LABELS as ACHIEVEMENT_LABELS, parseAchievementBadge } from '../esports/badges';

/** Room roles as badges (docs/moderation.md): VIPs and editors beside the moderators; `bot` marks
 * bot accounts and the channel's scripted bot (docs/bots.md). */
const BADGE_GLYPHS: Record<string, string> = { broadcaster: '🎥', moderator: '🛡️', admin: '⚙️', vip: '💎', editor: '✏️', bot: '🤖' };
const SUB_GLYPHS = ['⭐', '🌟', '👑'];

export function Badges({ badges }: { badges: string[] }) {
  return (
    <>
      {badges.map((b) => {
        // Subscribers: "subscriber/<tier>/<months>" (docs/monetization.md).
        const sub = parseSubBadge(b);
        if (sub)
          return (
            <span class={`chat-badge badge-subscriber badge-sub-tier-${sub.tier}`} title={subBadgeTitle(sub)} data-months={sub.months}>
              {SUB_GLYPHS[sub.tier - 1]}
            </span>
          );
        // Achievements the sender chose to show: "achievement/<game>/<badge>" (docs/esports.md).
        const achievement = parseAchievementBadge(b);
        if (achievement)
          return (
            <span class={`chat-badge badge-achievement badge-achievement-${achievement.badge}`} title={`${ACHIEVEMENT_LABELS[achievement.badge] ?? achievement.badge} · ${achievement.game}`}>
              {ACHIEVEMENT_GLYPHS[achievement.badge] ?? '🎖'}
            </span>
          );
        return (
          <span class={`chat-badge badge-${b}`} title={b}>
            {BADGE_GLYPHS[b] ?? '★'}
          </span>
        );
      })}
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
