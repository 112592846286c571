// The parts of a chat line that live chat and VOD chat replay share: badges and text with emotes.
import { renderSegments } from './emotes';

export function Badges({ badges }: { badges: string[] }) {
  return (
    <>
      {badges.map((b) => (
        <span class={`chat-badge badge-${b}`} title={b}>
          {b === 'broadcaster' ? '🎥' : b === 'moderator' ? '🛡️' : b === 'admin' ? '⚙️' : '★'}
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
