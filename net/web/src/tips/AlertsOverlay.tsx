// /overlay/<channel>/alerts: tip alerts for an OBS browser source. Each {"type":"tip"} frame of
// the room joins a bounded queue; one alert shows at a time for its duration, and its message
// is spoken (speechSynthesis) when the frame says tts. `data-state` is `idle` or `alert`.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { AlertQueue, formatAmount, parseTipFrame, type TipAlert } from './model';
import './tips.css';

function speak(a: TipAlert): void {
  if (!a.tts || !a.message || typeof window === 'undefined' || !('speechSynthesis' in window)) return;
  try {
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(`${a.from ?? 'Anonymous'} says: ${a.message}`));
  } catch {
    // No voice available (headless browsers): the alert still shows.
  }
}

export function AlertsOverlay({ channel }: { channel: string }) {
  const queue = useRef(new AlertQueue());
  const [current, setCurrent] = useState<TipAlert | null>(null);
  const shownId = useRef<string | null>(null);

  const advance = () => {
    const next = queue.current.tick(Date.now());
    if (next && next.id !== shownId.current) {
      shownId.current = next.id;
      speak(next);
    }
    if (!next) shownId.current = null;
    setCurrent(next);
  };

  useRoomFrames(channel, (f) => {
    const a = parseTipFrame(f);
    if (!a) return;
    queue.current.push(a);
    advance();
  });

  useEffect(() => {
    const timer = window.setInterval(advance, 250);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <div class="tip-alerts" data-testid="tip-alerts" data-state={current ? 'alert' : 'idle'}>
      {current && (
        <section class="tip-alert" key={current.id} data-testid="tip-alert" data-tip-id={current.id} data-tts={current.tts ? 'true' : 'false'}>
          <p class="tip-alert-head">
            <span class="tip-alert-from" data-testid="tip-alert-from">
              {current.from ?? 'Anonymous'}
            </span>{' '}
            tipped{' '}
            <span class="tip-alert-amount" data-testid="tip-alert-amount">
              {formatAmount(current.amount, current.currency)}
            </span>
          </p>
          {current.message && (
            <p class="tip-alert-message" data-testid="tip-alert-message">
              {current.message}
            </p>
          )}
        </section>
      )}
    </div>
  );
}
