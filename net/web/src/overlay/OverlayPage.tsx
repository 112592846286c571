// /overlay/<channel>/<kind>?token=…: a page for an OBS browser source (docs/obs.md). Transparent
// background, no site chrome, large text, live over the page connection (the channel's room,
// joined like any reader, reconnecting on its own), nothing shown when idle.
// `#overlay[data-widget][data-state]` says what shows (`idle`, `checking`, `refused`, or the
// item's state).
// The contract's kinds (chat, alerts, polls, predictions, hype_train, now_playing, goals; see
// obsApi.ts) render only once GET /overlays/<channel>/<kind>?token= accepts the channel's overlay
// token; a wrong or rotated token shows a refusal OBS makes visible in its preview. The older
// token-less widget paths (poll, prediction, hype-train, campaign) still render as before.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useNow } from '../components/useNow';
import { HypeTrainBar } from '../engagement/HypeTrainBar';
import { formatClock, formatPoints, formatRatio, payoutRatio, percentages, secondsUntil } from '../engagement/math';
import type { Poll, Prediction } from '../engagement/model';
import { useLiveEngagement } from '../engagement/useLiveEngagement';
import type { OverlayWidget } from '../router';
import { pollVisible, predictionVisible, trainVisible } from './visibility';
import { AlertsOverlay } from '../tips/AlertsOverlay';
import { CampaignBar } from '../tips/CampaignBar';
import { ChatOverlay } from './ChatOverlay';
import { GoalsOverlay } from './GoalsOverlay';
import { NowPlayingOverlay } from './NowPlayingOverlay';
import { Visualiser } from '../music/Visualiser';
import { checkOverlay, isOverlayKind, type NowPlaying, type OverlayKind } from './obsApi';
import '../engagement/engagement.css';
import './overlay.css';

/** How long a page whose check could not reach the node waits before asking again. */
const CHECK_RETRY_MS = 3000;
/** An open overlay asks again this often, so a rotated token stops it without a reload. */
const RECHECK_MS = 60_000;

type Check = { state: 'checking' } | { state: 'refused'; message: string } | { state: 'ok'; nowPlaying: NowPlaying | null; followerGoal: number | null };

export function OverlayPage({ channel, widget }: { channel: string; widget: OverlayWidget }) {
  useEffect(() => {
    document.documentElement.classList.add('overlay-mode');
    document.title = `${channel} ${widget} overlay`;
    return () => document.documentElement.classList.remove('overlay-mode');
  }, [channel, widget]);
  if (isOverlayKind(widget)) return <TokenOverlay channel={channel} kind={widget} />;
  return <OverlayBody channel={channel} widget={widget} overlayToken="" nowPlaying={null} followerGoal={null} />;
}

function TokenOverlay({ channel, kind }: { channel: string; kind: OverlayKind }) {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [check, setCheck] = useState<Check>(token ? { state: 'checking' } : { state: 'refused', message: 'This overlay URL has no token.' });
  useEffect(() => {
    if (!token) return;
    let current = true;
    let timer = 0;
    const ask = () =>
      checkOverlay(channel, kind, token)
        .then((c) => {
          if (!current) return;
          // A re-check keeps the page's own state (now playing follows the room meanwhile).
          setCheck((was) => (was.state === 'ok' ? was : { state: 'ok', nowPlaying: c.nowPlaying, followerGoal: c.followerGoal }));
          timer = window.setTimeout(ask, RECHECK_MS);
        })
        .catch((e: unknown) => {
          if (!current) return;
          if (e instanceof ApiError && (e.status === 403 || e.status === 404))
            setCheck({ state: 'refused', message: e.status === 404 ? 'There is no such overlay.' : 'This overlay link is not valid: its token is wrong or was rotated.' });
          else timer = window.setTimeout(ask, CHECK_RETRY_MS);  // the node is unreachable: try again
        });
    void ask();
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [channel, kind, token]);
  if (check.state === 'ok') return <OverlayBody channel={channel} widget={kind} overlayToken={token} nowPlaying={check.nowPlaying} followerGoal={check.followerGoal} />;
  return (
    <div class="overlay" id="overlay" data-widget={kind} data-channel={channel} data-state={check.state} data-loaded="false">
      {check.state === 'refused' && (
        <p class="overlay-refused" data-testid="overlay-refused" role="alert">
          {check.message} Copy a fresh URL from the dashboard (Stream → OBS overlays).
        </p>
      )}
    </div>
  );
}

/** The widget the kind shows (the contract's plural names read the older widgets). */
function widgetOf(w: OverlayWidget): OverlayWidget {
  return ({ polls: 'poll', predictions: 'prediction', hype_train: 'hype-train' } as Partial<Record<OverlayWidget, OverlayWidget>>)[w] ?? w;
}

function OverlayBody(props: { channel: string; widget: OverlayWidget; overlayToken: string; nowPlaying: NowPlaying | null; followerGoal: number | null }) {
  const { channel, widget: shown, overlayToken, nowPlaying, followerGoal } = props;
  const widget = widgetOf(shown);
  const live = useLiveEngagement(channel, null);
  const now = useNow(true);
  // When this page saw the prediction finish: its result stays up a minute from then.
  // (one already finished when the page opened is not shown).
  const finished = useRef<{ id: string; at: number } | null>(null);
  const wasOpen = useRef(new Set<string>());
  const p = live.prediction;
  if (p && (p.state === 'active' || p.state === 'locked')) wasOpen.current.add(p.id);
  else if (p && finished.current?.id !== p.id && wasOpen.current.has(p.id)) finished.current = { id: p.id, at: Date.now() };

  let state = 'idle';
  let content = null;
  if (widget === 'poll' && live.poll && pollVisible(live.poll, now)) {
    state = live.poll.state;
    content = <OverlayPoll poll={live.poll} now={now} />;
  } else if (widget === 'prediction' && p && predictionVisible(p, finished.current?.id === p.id ? finished.current.at : null, now)) {
    state = p.state;
    content = <OverlayPrediction prediction={p} now={now} />;
  } else if (widget === 'chat') {
    state = 'live';
    content = <ChatOverlay channel={channel} />;
  } else if (widget === 'now_playing') {
    state = 'live';
    content = <NowPlayingOverlay channel={channel} overlayToken={overlayToken} initial={nowPlaying} />;
  } else if (widget === 'visualiser') {
    // DJ mode's audio-reactive bars from the node's public audio frames (no token: they are
    // public while live; nothing is drawn otherwise).
    state = 'live';
    content = <Visualiser channel={channel} media={null} live overlay />;
  } else if (widget === 'goals') {
    state = 'live';
    content = <GoalsOverlay channel={channel} initialGoal={followerGoal} />;
  } else if (widget === 'alerts' || widget === 'campaign') {
    // Tips' widgets (actors/tips): they follow the room themselves and say what shows.
    state = 'live';
    content = widget === 'alerts' ? <AlertsOverlay channel={channel} /> : <CampaignBar channel={channel} />;
  } else if (widget === 'hype-train' && trainVisible(live.train, now)) {
    state = 'active';
    content = <HypeTrainBar train={live.train} id="overlay-hype-train" />;
  }
  return (
    <div class="overlay" id="overlay" data-widget={shown} data-channel={channel} data-state={state} data-loaded={live.loaded ? 'true' : 'false'}>
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
