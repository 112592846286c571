// The panel of one match: who plays, the score and the reports; the organizer settles or edits
// the result, schedules it (in the viewer's time zone) and links its streams; a side reports
// its result or forfeits. Every call's answer (or a fresh read) replaces the tournament.
import { useEffect, useState } from 'preact/hooks';
import { channelPath } from '../router';
import { forfeit, reportResult, schedule, setResult, setStreams } from './api';
import { defaultScore, formatInZone, localInputToIso, msToLocalInput, viewerZone, type Match, type Tournament } from './model';

interface Props {
  tournament: Tournament;
  match: Match;
  token: string | null;
  organizer: boolean;
  /** The side the viewer plays (as user or team captain), else null. */
  side: 0 | 1 | null;
  onUpdate(t: Tournament | null): void;
  onClose(): void;
}

export function MatchPanel({ tournament: t, match: m, token, organizer, side, onUpdate, onClose }: Props) {
  const [winner, setWinner] = useState<0 | 1 | null>(null);
  const [score, setScore] = useState<[number, number]>([0, 0]);
  const [at, setAt] = useState('');
  const [streams, setStreamsText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A different match (or its new state) starts the forms from what the match says.
  useEffect(() => {
    const w = m.winner === null ? null : m.opponents[0] === m.winner ? 0 : m.opponents[1] === m.winner ? 1 : null;
    setWinner(w);
    setScore(m.score ?? [0, 0]);
    setAt(m.scheduled_at_ms === null ? '' : msToLocalInput(m.scheduled_at_ms));
    setStreamsText(m.channels.join(', '));
    setError(null);
  }, [m.id, m.status, m.winner, m.scheduled_at_ms, m.channels.join(',')]);

  const run = async (call: () => Promise<Tournament | null>, close = false) => {
    setBusy(true);
    setError(null);
    try {
      onUpdate(await call());
      if (close) onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const both = m.opponents[0] !== null && m.opponents[1] !== null;
  const canResult = token !== null && both && (organizer || side !== null);
  const pick = (i: 0 | 1) => {
    setWinner(i);
    // A fresh pick fills in the usual score (2–0 in a best of 3); edited scores stay.
    if (score[0] === score[1] || (i === 0) !== score[0] > score[1]) setScore(defaultScore(t.best_of, i));
  };
  const submitResult = (e: Event) => {
    e.preventDefault();
    if (winner === null || !token) return;
    const w = m.opponents[winner]!;
    run(() => (organizer ? setResult : reportResult)(token, t.id, m.id, w, score), true);
  };

  return (
    <section class="es-card match-panel" id="match-panel" data-match={m.id} data-status={m.status} role="dialog" aria-labelledby="match-panel-title">
      <header class="match-panel-head">
        <h2 id="match-panel-title">
          Match {m.id} <span class={`t-state match-status-${m.status}`}>{m.status}</span>
        </h2>
        <button type="button" class="linklike" id="match-panel-close" aria-label="Close the match panel" onClick={onClose}>
          ✕
        </button>
      </header>
      <p class="match-vs">
        <strong>{m.opponents[0] ?? 'to be decided'}</strong> vs <strong>{m.opponents[1] ?? 'to be decided'}</strong>
        {m.status === 'done' && m.score && (
          <span id="match-result">
            {' '}
            · {m.winner} won {Math.max(...m.score)}–{Math.min(...m.score)}
            {m.forfeit && ' (forfeit)'}
          </span>
        )}
      </p>
      <p class="muted" id="match-time">
        {m.scheduled_at_ms !== null ? `Scheduled ${formatInZone(m.scheduled_at_ms)} (${viewerZone()})` : 'Not scheduled'}
      </p>
      {m.status === 'disputed' && (
        <p class="es-error" id="match-disputed" role="status">
          The sides reported different results: the organizer decides.
        </p>
      )}
      {Object.keys(m.reports).length > 0 && (
        <ul class="match-reports" id="match-reports">
          {Object.entries(m.reports).map(([who, r]) => (
            <li>
              {who} reports: {r.winner} won{r.score ? ` ${r.score[0]}–${r.score[1]}` : ''}
            </li>
          ))}
        </ul>
      )}

      {canResult && (
        <form class="es-form match-result-form" id="match-result-form" onSubmit={submitResult}>
          <fieldset>
            <legend>{organizer ? (m.status === 'done' ? 'Edit the result' : 'Report the result') : 'Report your result'}</legend>
            {([0, 1] as const).map((i) => (
              <label class="es-check">
                <input type="radio" name="match-winner" id={`match-winner-${i}`} checked={winner === i} onChange={() => pick(i)} />
                {m.opponents[i]} won
              </label>
            ))}
            <div class="match-score">
              {([0, 1] as const).map((i) => (
                <label>
                  {m.opponents[i]}
                  <input
                    type="number"
                    id={`match-score-${i}`}
                    min={0}
                    max={99}
                    value={score[i]}
                    onInput={(e) => {
                      const v = Number((e.target as HTMLInputElement).value) || 0;
                      setScore((s) => (i === 0 ? [v, s[1]] : [s[0], v]));
                    }}
                  />
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" class="btn btn-primary" id="match-result-submit" disabled={busy || winner === null}>
            {organizer ? 'Save result' : 'Report'}
          </button>
        </form>
      )}

      {token && both && m.status !== 'done' && (organizer || side !== null) && (
        <div class="match-forfeit" role="group" aria-label="Forfeit">
          {([0, 1] as const)
            .filter((i) => organizer || side === i)
            .map((i) => (
              <button type="button" class="btn" id={`match-forfeit-${i}`} disabled={busy} onClick={() => run(() => forfeit(token, t.id, m.id, m.opponents[i]!), true)}>
                {m.opponents[i]} forfeits
              </button>
            ))}
        </div>
      )}

      {organizer && token && (
        <>
          <form
            class="es-form match-schedule"
            id="match-schedule-form"
            onSubmit={(e) => {
              e.preventDefault();
              const iso = localInputToIso(at);
              if (!iso) setError('Pick a date and time.');
              else run(() => schedule(token, t.id, m.id, iso));
            }}
          >
            <label>
              Scheduled at ({viewerZone()})
              <input type="datetime-local" id="match-schedule-at" value={at} onInput={(e) => setAt((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="btn" id="match-schedule-save" disabled={busy}>
              Schedule
            </button>
          </form>
          <form
            class="es-form match-streams"
            id="match-streams-form"
            onSubmit={(e) => {
              e.preventDefault();
              const channels = streams
                .split(/[\s,]+/)
                .map((s) => s.trim())
                .filter(Boolean)
                .slice(0, 4);
              run(() => setStreams(token, t.id, m.id, channels));
            }}
          >
            <label>
              Stream channels (up to 4)
              <input id="match-streams" value={streams} placeholder="channel, channel" onInput={(e) => setStreamsText((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="btn" id="match-streams-save" disabled={busy}>
              Save streams
            </button>
          </form>
        </>
      )}

      {m.channels.length > 0 && (
        <p class="match-channels">
          Streams:{' '}
          {m.channels.map((c) => (
            <a href={channelPath(c)} class="match-channel">
              {c}
            </a>
          ))}
        </p>
      )}
      {m.vods.length > 0 && (
        <p class="match-vods">
          Videos:{' '}
          {m.vods.map((v) => (
            <a href={`/v/${encodeURIComponent(v.vod)}?t=${Math.floor(v.offset_s)}`}>{v.channel}</a>
          ))}
        </p>
      )}
      {error && (
        <p class="es-error" id="match-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
