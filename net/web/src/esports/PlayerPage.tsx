// /players/<name>?game=: a player's record in a game (matches, win rate, rating history drawn
// with uPlot like the dashboard's charts) and their achievement badges across games.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Chart } from '../components/Chart';
import type { AlignedData } from '../charts';
import { hasAccount, useSession } from '../auth';
import { fetchPlayerStats, fetchUserAchievements, setBadgeInChat, type Achievement, type PlayerStats } from './api';
import { BADGE_GLYPHS, BADGE_LABELS } from './badges';
import { leaderboardPath } from './routes';

export function PlayerPage({ name, game }: { name: string; game: string }) {
  const [stats, setStats] = useState<PlayerStats | null>(null);
  const [badges, setBadges] = useState<Achievement[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const session = useSession();
  const owner = hasAccount(session) && session.username === name ? session : null;

  useEffect(() => {
    document.title = `${name} · AeThex LIVE`;
    let live = true;
    if (game)
      fetchPlayerStats(name, game)
        .then((s) => live && setStats(s))
        .catch((e: Error) => live && setError(e.message));
    fetchUserAchievements(name)
      .then((a) => live && setBadges(a))
      .catch(() => live && setBadges([]));
    return () => {
      live = false;
    };
  }, [name, game]);

  const history = useMemo<AlignedData>(() => {
    const h = [...(stats?.rating_history ?? [])].sort((a, b) => a.at_ms - b.at_ms);
    return [h.map((p) => p.at_ms / 1000), h.map((p) => p.rating)] as AlignedData;
  }, [stats]);

  // The user's own list first: it carries their show-in-chat choices.
  const all = [...(badges ?? []), ...(stats?.achievements ?? [])].filter((a, i, xs) => xs.findIndex((b) => b.badge === a.badge && b.game === a.game && b.detail === a.detail) === i);
  return (
    <main class="esports-page" id="player-page">
      <h1>{name}</h1>
      {game && (
        <p>
          <a href={leaderboardPath(game)}>{game} leaderboard</a>
        </p>
      )}
      {error && <p class="es-error">{error}</p>}
      {stats && (
        <section class="es-card" id="player-stats" aria-label="Record">
          <dl class="es-stats">
            <div>
              <dt>Matches</dt>
              <dd id="player-matches">{stats.matches}</dd>
            </div>
            <div>
              <dt>Wins–losses</dt>
              <dd>
                {stats.wins}–{stats.losses}
              </dd>
            </div>
            <div>
              <dt>Win rate</dt>
              <dd id="player-win-rate">{Math.round((stats.win_rate <= 1 ? stats.win_rate * 100 : stats.win_rate) * 10) / 10} %</dd>
            </div>
            {stats.rating !== null && (
              <div>
                <dt>Rating</dt>
                <dd>{Math.round(stats.rating)}</dd>
              </div>
            )}
            {Object.entries(stats.stats).map(([k, v]) => (
              <div>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {stats.rating_history.length > 0 && <Chart id="rating" title="Rating" data={history} series={[{ label: 'Rating', stroke: '#a970ff' }]} />}
        </section>
      )}
      <AchievementBadges
        achievements={all}
        onShowInChat={
          owner
            ? (a, show) => {
                setBadgeInChat(owner.token, name, a.game, a.badge, show)
                  .then(() => setBadges((xs) => (xs ?? []).map((x) => (x.badge === a.badge && x.game === a.game ? { ...x, show_in_chat: show } : x))))
                  .catch((e: Error) => setError(e.message));
              }
            : undefined
        }
      />
    </main>
  );
}

/** Badges with their game; on the owner's own page each has a "Show in chat" switch. */
export function AchievementBadges({ achievements, onShowInChat }: { achievements: readonly Achievement[]; onShowInChat?: (a: Achievement, show: boolean) => void }) {
  if (!achievements.length) return null;
  return (
    <ul class="es-badges" id="achievements" aria-label="Achievements">
      {achievements.map((a) => (
        <li class="es-badge" data-badge={a.badge} title={`${BADGE_LABELS[a.badge] ?? a.badge}${a.game ? ` · ${a.game}` : ''}`}>
          <span aria-hidden="true">{BADGE_GLYPHS[a.badge] ?? '🎖'}</span> {BADGE_LABELS[a.badge] ?? a.badge}
          {a.game && <span class="muted"> · {a.game}</span>}
          {onShowInChat && a.game && (
            <label class="es-badge-chat">
              <input type="checkbox" data-show-in-chat={`${a.game}/${a.badge}`} checked={a.show_in_chat} onChange={(e) => onShowInChat(a, (e.target as HTMLInputElement).checked)} /> Show in chat
            </label>
          )}
        </li>
      ))}
    </ul>
  );
}
