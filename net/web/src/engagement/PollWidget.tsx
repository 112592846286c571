// The channel's poll beside the chat: choices with live shares (from `poll` frames), a vote
// button per choice for signed-in viewers, further votes for channel points when the poll
// allows them, and the final results once it ended.
import { useState } from 'preact/hooks';
import { useNow } from '../components/useNow';
import { errorText, votePoll } from './api';
import { formatClock, percentages, secondsUntil } from './math';
import type { Poll } from './model';
import { wholeNumber } from './validate';

export interface PollWidgetProps {
  poll: Poll;
  channel: string;
  /** The viewer's account token; null for guests, anonymous readers and the admin token. */
  token: string | null;
  onPoll: (p: Poll) => void;
  /** The viewer spent points (extra votes): the balance is read again. */
  onSpent?: () => void;
  /** Results only (the creator's dashboard): no vote buttons, no log-in prompt. */
  readOnly?: boolean;
}

export function PollWidget({ poll, channel, token, onPoll, onSpent, readOnly = false }: PollWidgetProps) {
  const active = poll.state === 'active';
  const now = useNow(active);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [extra, setExtra] = useState('1');
  const shares = percentages(poll.choices.map((c) => c.votes));
  const top = Math.max(...poll.choices.map((c) => c.votes));
  const mine = poll.my_votes;
  const left = secondsUntil(poll.ends_at_ms, now);

  async function vote(choice: number, votes: number) {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      onPoll(await votePoll(token, channel, choice, votes));
      if (votes > 1 || mine) onSpent?.();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const canVote = active && token !== null && !busy;
  // The first vote is free; more cost points_per_vote each (only when enabled), to the same choice.
  const extraChoice = mine?.choice ?? null;
  const extraCount = wholeNumber(extra);

  return (
    <section class="eng-card poll-widget" id="poll-widget" data-state={poll.state} data-poll-id={poll.id} aria-labelledby="poll-title">
      <header class="eng-head">
        <span class="eng-kind">{active ? 'Poll' : 'Poll ended'}</span>
        {active && (
          <span class="eng-timer" data-testid="poll-countdown" data-seconds={left} aria-label={`${left} seconds left`}>
            {formatClock(left)}
          </span>
        )}
      </header>
      <h3 class="eng-title" id="poll-title">
        {poll.title}
      </h3>
      <ol class="poll-choices">
        {poll.choices.map((c, i) => {
          const winner = !active && c.votes === top && top > 0;
          const chosen = extraChoice === i;
          return (
            <li
              key={i}
              class={`poll-choice${winner ? ' winner' : ''}${chosen ? ' chosen' : ''}`}
              data-testid="poll-choice"
              data-index={i}
              data-votes={c.votes}
              data-percent={shares[i]}
              data-winner={winner ? 'true' : undefined}
            >
              <div class="poll-bar" style={{ width: `${shares[i]}%` }} aria-hidden="true" />
              <span class="poll-choice-title">
                {winner && <span aria-label="winner">🏆 </span>}
                {c.title}
              </span>
              <span class="poll-choice-figures">
                <span data-testid="poll-percent">{shares[i]}%</span> <span class="muted">({c.votes})</span>
              </span>
              {canVote && !mine && (
                <button type="button" class="btn btn-small poll-vote" data-testid="poll-vote" data-index={i} onClick={() => vote(i, 1)} aria-label={`Vote for ${c.title}`}>
                  Vote
                </button>
              )}
            </li>
          );
        })}
      </ol>
      <p class="eng-foot muted" data-testid="poll-total">
        {poll.total_votes} vote{poll.total_votes === 1 ? '' : 's'}
        {poll.voters ? ` · ${poll.voters} voter${poll.voters === 1 ? '' : 's'}` : ''}
      </p>
      {mine && (
        <p class="eng-note" data-testid="poll-my-votes" data-votes={mine.total}>
          You voted{extraChoice !== null && poll.choices[extraChoice] ? ` for ${poll.choices[extraChoice]!.title}` : ''}
          {mine.total > 1 ? ` (${mine.total} votes)` : ''}.
        </p>
      )}
      {active && mine && poll.points_per_vote > 0 && extraChoice !== null && token && (
        <form
          class="eng-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (extraCount !== null && extraCount > 0) void vote(extraChoice, extraCount);
          }}
        >
          <label class="eng-label">
            More votes
            <input
              type="number"
              min={1}
              class="eng-input eng-input-small"
              data-testid="poll-extra-votes"
              value={extra}
              onInput={(e) => setExtra((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="btn btn-small" data-testid="poll-extra-vote" disabled={busy || extraCount === null || extraCount < 1}>
            Vote ({((extraCount ?? 0) * poll.points_per_vote).toLocaleString('en')} points)
          </button>
        </form>
      )}
      {active && !token && !readOnly && (
        <p class="eng-note muted" data-testid="poll-signin">
          <a href="/login">Log in</a> to vote.
        </p>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="poll-error">
          {error}
        </p>
      )}
    </section>
  );
}
