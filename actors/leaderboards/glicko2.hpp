// Glicko-2 (Mark Glickman, "Example of the Glicko-2 system", 2013): a rating, its deviation (how
// unsure we are of it: high for new or inactive players, so their first results move them a lot)
// and a volatility (how erratic the player is). Elo is the special case with a fixed deviation,
// which is why we use Glicko-2: a newcomer who wins five matches climbs at once instead of
// grinding up from 1500 at the pace of an established player.
#pragma once

#include <span>

namespace aethex::actors::glicko2 {

/// Public scale (the one shown): rating 1500, deviation 350, volatility 0.06 for a new player.
struct rating {
  double r = 1500.0;
  double rd = 350.0;
  double sigma = 0.06;
};

/// One game of a rating period: the opponent's pre-period rating and the score (1 win, 0.5 draw,
/// 0 loss).
struct game {
  rating opponent;
  double score = 0.0;
};

/// The system constant: how much volatility may change per period. Glickman suggests 0.3-1.2;
/// 0.5 is his example's value and a middle ground.
inline constexpr double tau = 0.5;

/// The player's rating after a rating period with `games` (the paper's steps 2-8; with no games
/// only the deviation grows, step 6). The deviation never exceeds 350 (a new player's).
rating update(const rating& player, std::span<const game> games, double tau_ = tau);

/// The deviation after `periods` rating periods without games (step 6 applied `periods` times),
/// capped at 350.
double idle_deviation(const rating& player, double periods);

}  // namespace aethex::actors::glicko2
