// /overlay/<channel>/chat: the room's messages for an OBS browser source, newest at the bottom.
// The chat reducer of the channel page (chat/chatModel.ts) over the page's one connection; only
// messages show (no system lines: the stream needs no moderation notices). The room sends its
// recent history on join and after every reconnect, so a reload or a dropped socket loses
// nothing that is still in the room's history.
import { useState } from 'preact/hooks';
import { applyFrame, initialChat, type ChatState } from '../chat/chatModel';
import { Badges, Segments } from '../chat/MessageParts';
import { useRoomFrames } from '../engagement/useLiveEngagement';

/** Lines the overlay keeps: more would not fit its 600 px height anyway. */
export const CHAT_OVERLAY_LINES = 15;

export function ChatOverlay({ channel }: { channel: string }) {
  const [chat, setChat] = useState<ChatState>(initialChat);
  useRoomFrames(channel, (f) => setChat((s) => applyFrame(s, f).state));
  const lines = chat.lines.filter((l) => l.kind === 'msg').slice(-CHAT_OVERLAY_LINES);
  return (
    <ol class="overlay-chat" data-testid="overlay-chat" data-lines={lines.length}>
      {lines.map((l) =>
        l.kind === 'msg' ? (
          <li key={l.key} class="overlay-chat-line" data-testid="overlay-chat-line" data-id={l.msg.id}>
            <Badges badges={l.msg.badges} />
            <span class="overlay-chat-user">{l.msg.user.replace(/^guest:/, '')}</span>
            <span class="overlay-chat-text">
              <Segments text={l.msg.text} />
            </span>
          </li>
        ) : null,
      )}
    </ol>
  );
}
