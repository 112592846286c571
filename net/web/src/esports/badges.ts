// Achievement badges (docs/esports.md, Leaderboards): their names and glyphs, shared by the player
// page and the chat, where a badge the owner chose to show arrives as "achievement/<game>/<badge>".
export const BADGE_LABELS: Record<string, string> = {
  first_win: 'First win',
  wins_10: '10 wins',
  streak_3: '3-win streak',
  streak_5: '5-win streak',
  tournament_winner: 'Tournament winner',
};

export const BADGE_GLYPHS: Record<string, string> = { first_win: '🥇', wins_10: '🔟', streak_3: '🔥', streak_5: '⚡', tournament_winner: '🏆' };

/** A chat badge "achievement/<game>/<badge>" as its parts; null for any other badge. */
export function parseAchievementBadge(b: string): { game: string; badge: string } | null {
  const m = /^achievement\/([^/]+)\/([^/]+)$/.exec(b);
  return m ? { game: m[1], badge: m[2] } : null;
}
