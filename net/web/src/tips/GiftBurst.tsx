// Gifts in the web chat: every {"type":"gift"} frame of the room (gift bundles from tips, gifted
// subs from subscriptions) shows everyone a short animated banner above the chat. At most three
// wait; each shows for five seconds.
import { useEffect, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { describeGift, parseGiftFrame, type GiftEvent } from './model';
import './tips.css';

const SHOW_MS = 5000;
const MAX_WAITING = 3;

export function GiftBurst({ channel }: { channel: string }) {
  const [gifts, setGifts] = useState<(GiftEvent & { key: number })[]>([]);
  useRoomFrames(channel, (f) => {
    const g = parseGiftFrame(f);
    if (g) setGifts((list) => [...list, { ...g, key: Date.now() + Math.random() }].slice(-MAX_WAITING));
  });
  const head = gifts[0];
  useEffect(() => {
    if (!head) return;
    const timer = window.setTimeout(() => setGifts((list) => list.slice(1)), SHOW_MS);
    return () => window.clearTimeout(timer);
  }, [head?.key]);
  if (!head) return null;
  return (
    <div class="gift-burst" key={head.key} data-testid="gift-burst" role="status">
      <span class="gift-burst-icon" aria-hidden="true">
        🎁
      </span>
      <span>
        <b>{head.from}</b> gifted {describeGift(head)} to <b>{head.to.join(', ')}</b>
      </span>
    </div>
  );
}
