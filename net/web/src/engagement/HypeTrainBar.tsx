// The hype train while it runs: level, progress towards the level's goal, the time left and the
// top contributors. Nothing when idle; a quiet line while it cools down (`showCooldown`).
import { useNow } from '../components/useNow';
import { formatClock, formatPoints, progressPercent, secondsUntil } from './math';
import type { HypeTrain } from './model';

export function HypeTrainBar({ train, showCooldown = false, id = 'hype-train' }: { train: HypeTrain | null; showCooldown?: boolean; id?: string }) {
  const running = train?.state === 'active';
  const now = useNow(running || (showCooldown && train?.state === 'cooldown'));
  if (!train || train.state === 'idle') return null;
  if (train.state === 'cooldown') {
    if (!showCooldown) return null;
    const left = secondsUntil(train.cooldown_ends_at_ms, now);
    return (
      <section class="eng-card hype-train" id={id} data-state="cooldown" data-level={train.level}>
        <p class="muted">
          Hype train cooling down{train.level ? ` after level ${train.level}` : ''}
          {left > 0 ? ` · ${formatClock(left)}` : ''}
        </p>
      </section>
    );
  }
  const pct = progressPercent(train.progress, train.goal);
  const left = secondsUntil(train.ends_at_ms, now);
  return (
    <section class="eng-card hype-train" id={id} data-state="active" data-level={train.level} aria-label="Hype train">
      <header class="eng-head">
        <span class="eng-kind hype-level" data-testid="hype-level">
          🚂 Hype train · level {train.level}
        </span>
        <span class="eng-timer" data-testid="hype-countdown" data-seconds={left}>
          {formatClock(left)}
        </span>
      </header>
      <div
        class="hype-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={`Level ${train.level}: ${pct} %`}
        data-testid="hype-progress"
      >
        <div class="hype-progress-fill" style={{ width: `${pct}%` }} />
        <span class="hype-progress-text">{pct}%</span>
      </div>
      {train.top.length > 0 && (
        <ol class="hype-top" data-testid="hype-top">
          {train.top.slice(0, 3).map((c) => (
            <li key={c.user} data-user={c.user}>
              <span class="mod-user">{c.user}</span> <span class="muted">{formatPoints(c.amount)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
