// /overlay/<channel>/<poll|prediction|hype-train|alerts|campaign>: a page for an OBS browser source. Transparent
// background, no site chrome, large text, live over the page connection (the channel's room,
// joined like any reader), nothing shown when idle. `#overlay[data-widget][data-state]` says
// what shows (`idle`, or the item's state).
import { useEffect, useRef } from 'preact/hooks';
import { useNow } from '../components/useNow';
import { HypeTrainBar } from '../engagement/HypeTrainBar';
import { formatClock, formatPoints, formatRatio, payoutRatio, percentages, secondsUntil } from '../engagement/math';
import type { Poll, Prediction } from '../engagement/model';
import { useLiveEngagement } from '../engagement/useLiveEngagement';
import type { OverlayWidget } from '../router';
import { pollVisible, predictionVisible, trainVisible } from './visibility';
import { AlertsOverlay } from '../tips/AlertsOverlay';
import { CampaignBar } from '../tips/CampaignBar';
import '../engagement/engagement.css';
import './overlay.css';

export function OverlayPage({ channel, widget }: { channel: string; widget: OverlayWidget }) {
  const live = useLiveEngagement(channel, null);
  const now = useNow(true);
  // When this page saw the prediction finish: its result stays up a minute from then.
  // (one already finished when the page opened is not shown).
  const finished = useRef<{ id: string; at: number } | null>(null);
  const wasOpen = useRef(new Set<string>());
  const p = live.prediction;
  if (p && (p.state === 'active' || p.state === 'locked')) wasOpen.current.add(p.id);
  else if (p && finished.current?.id !== p.id && wasOpen.current.has(p.id)) finished.current = { id: p.id, at: Date.now() };

  useEffect(() => {
    document.documentElement.classList.add('overlay-mode');
    document.title = `${channel} ${widget} overlay`;
    return () => document.documentElement.classList.remove('overlay-mode');
  }, [channel, widget]);

  let state = 'idle';
  let content = null;
  if (widget === 'poll' && live.poll && pollVisible(live.poll, now)) {
    state = live.poll.state;
    content = <OverlayPoll poll={live.poll} now={now} />;
  } else if (widget === 'prediction' && p && predictionVisible(p, finished.current?.id === p.id ? finished.current.at : null, now)) {
    state = p.state;
    content = <OverlayPrediction prediction={p} now={now} />;
  } else if (widget === 'alerts' || widget === 'campaign') {
    // Tips' widgets (actors/tips): they follow the room themselves and say what shows.
    state = 'live';
    content = widget === 'alerts' ? <AlertsOverlay channel={channel} /> : <CampaignBar channel={channel} />;
  } else if (widget === 'hype-train' && trainVisible(live.train, now)) {
    state = 'active';
    content = <HypeTrainBar train={live.train} id="overlay-hype-train" />;
  }
  return (
    <div class="overlay" id="overlay" data-widget={widget} data-channel={channel} data-state={state} data-loaded={live.loaded ? 'true' : 'false'}>
      {content}
    </div>
  );
}

function OverlayPoll({ poll, now }: { poll: Poll; now: number }) {
  const shares = percentages(poll.choices.map((c) => c.votes));
  const top = Math.max(...poll.choices.map((c) => c.votes));
  const active = poll.state === 'active';
  return (
    <section class="eng-card overlay-card" data-testid="overlay-poll" data-poll-id={poll.id}>
      <header class="eng-head">
        <span class="eng-kind">{active ? 'Poll' : 'Poll results'}</span>
        {active && <span class="eng-timer">{formatClock(secondsUntil(poll.ends_at_ms, now))}</span>}
      </header>
      <h2 class="eng-title">{poll.title}</h2>
      <ol class="poll-choices">
        {poll.choices.map((c, i) => (
          <li
            key={i}
            class={`poll-choice${!active && c.votes === top && top > 0 ? ' winner' : ''}`}
            data-testid="overlay-choice"
            data-votes={c.votes}
            data-percent={shares[i]}
          >
            <div class="poll-bar" style={{ width: `${shares[i]}%` }} />
            <span class="poll-choice-title">{c.title}</span>
            <span class="poll-choice-figures">{shares[i]}%</span>
          </li>
        ))}
      </ol>
      <p class="eng-foot">
        {poll.total_votes} vote{poll.total_votes === 1 ? '' : 's'}
      </p>
    </section>
  );
}

function OverlayPrediction({ prediction: p, now }: { prediction: Prediction; now: number }) {
  const points = p.outcomes.map((o) => o.points);
  const shares = percentages(points);
  const label = { active: 'Prediction', locked: 'Prediction locked', resolved: 'Prediction result', canceled: 'Prediction canceled' }[p.state];
  return (
    <section class="eng-card overlay-card" data-testid="overlay-prediction" data-prediction-id={p.id}>
      <header class="eng-head">
        <span class="eng-kind">{label}</span>
        {p.state === 'active' && p.locks_at_ms > 0 && <span class="eng-timer">{formatClock(secondsUntil(p.locks_at_ms, now))}</span>}
      </header>
      <h2 class="eng-title">{p.title}</h2>
      <ul class="prediction-outcomes">
        {p.outcomes.map((o, i) => (
          <li key={i} class={`prediction-outcome outcome-${i % 10}${p.winner === i ? ' winner' : ''}`} data-testid="overlay-outcome" data-points={o.points}>
            <div class="poll-bar" style={{ width: `${shares[i]}%` }} />
            <span class="poll-choice-title">
              {p.winner === i && '🏆 '}
              {o.title}
            </span>
            <span class="prediction-figures">
              <span>{shares[i]}%</span>
              <span>🪙 {formatPoints(o.points)}</span>
              <span>{formatRatio(payoutRatio(points, i))}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
