// Gifts and tips in the web chat: every {"type":"gift"} frame of the room (gift bundles from
// tips, gifted subs from subscriptions) and every {"type":"tip"} frame shows everyone a short
// animated banner above the chat. At most three wait; each shows for five seconds.
import { useEffect, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { describeGift, formatAmount, parseGiftFrame, parseTipFrame } from './model';
import './tips.css';

const SHOW_MS = 5000;
const MAX_WAITING = 3;

interface Burst {
  key: number;
  kind: 'gift' | 'tip';
  text: string;
}

export function GiftBurst({ channel }: { channel: string }) {
  const [bursts, setBursts] = useState<Burst[]>([]);
  useRoomFrames(channel, (f) => {
    const g = parseGiftFrame(f);
    const t = g ? null : parseTipFrame(f);
    let text: string | null = null;
    if (g) text = `${g.from} gifted ${describeGift(g)} to ${g.to.join(', ')}`;
    else if (t) text = `${t.from ?? 'Anonymous'} tipped ${formatAmount(t.amount, t.currency)}${t.message ? `: ${t.message}` : ''}`;
    if (text !== null) {
      const burst: Burst = { key: Date.now() + Math.random(), kind: g ? 'gift' : 'tip', text };
      setBursts((list) => [...list, burst].slice(-MAX_WAITING));
    }
  });
  const head = bursts[0];
  useEffect(() => {
    if (!head) return;
    const timer = window.setTimeout(() => setBursts((list) => list.slice(1)), SHOW_MS);
    return () => window.clearTimeout(timer);
  }, [head?.key]);
  if (!head) return null;
  return (
    <div class={`gift-burst gift-burst-${head.kind}`} key={head.key} data-testid={head.kind === 'gift' ? 'gift-burst' : 'tip-burst'} role="status">
      <span class="gift-burst-icon" aria-hidden="true">
        {head.kind === 'gift' ? '🎁' : '💸'}
      </span>
      <span>{head.text}</span>
    </div>
  );
}
