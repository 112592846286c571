// The bracket of a tournament as a pure function: entrants in seed order + options + the results
// reported so far -> every match with its opponents, status and winner, the standings and the
// champion. Nothing is stored but the inputs, so an organizer's edit of an early result
// recomputes everything downstream by calling compute() again. Contract: docs/esports.md.
//
// Match ids are stable and readable, so results can be keyed by them:
//   single/double elimination: "W<round>-<n>" (winners), "L<round>-<n>" (losers), "GF1", "GF2"
//   (the bracket reset), "3P" (third place); round robin "G<group>R<round>-<n>"; Swiss
//   "S<round>-<n>". <n> counts from 1 within its round, top of the bracket first (byes are not
//   matches and take no number; a losers' round made only of byes is skipped in the numbering).
// Listed: every match of the structure from the start, opponents filled in as they are known;
// except GF2, listed only once the losers' side has won GF1, and Swiss rounds, listed once
// paired (round r once round r-1 is done).
// A result counts only while its match still has the opponents it was reported for (an edit
// upstream that changes who plays a match drops that match's result: it is listed in
// bracket::dropped so the tournament can tell the organizer).
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::actors::esports {

enum class bracket_format { single_elimination, double_elimination, round_robin, swiss };
/// Double elimination's grand final: none (the winners' and the losers' bracket champions both
/// finish; the winners' champion is the champion), simple (one match), reset (a second match
/// when the losers' side wins the first; "double" in the API).
enum class grand_final_rule { none, simple, reset };

struct bracket_options {
  bracket_format format = bracket_format::single_elimination;
  bool third_place = false;                                 // single elimination, 4+ entrants
  grand_final_rule grand_final = grand_final_rule::simple;  // double elimination
  int groups = 1;        // round robin: 1-16 groups, entrants dealt in seed order (snake)
  int swiss_rounds = 0;  // Swiss: 1..n-1 rounds; 0 = ceil(log2 n)
};

struct match_result {
  std::string winner;                    // one of `opponents`
  std::array<int, 2> score{0, 0};        // games won by opponents[0], opponents[1]
  std::array<std::string, 2> opponents;  // as they were when reported
  bool forfeit = false;                  // the loser forfeited (or did not show)
};

enum class match_status { waiting, ready, done };

struct bracket_match {
  std::string id;
  int round = 1;        // 1-based within its bracket (losers rounds count on their own)
  std::string bracket;  // "winners" | "losers" | "grand_final" | "third_place" | "group" | "swiss"
  int group = 0;        // round robin: 1-based group; 0 otherwise
  std::array<std::optional<std::string>, 2> opponents;  // nullopt: not known yet
  match_status status = match_status::waiting;
  std::optional<std::string> winner;
  std::array<int, 2> score{0, 0};
  bool forfeit = false;
  /// Where the winner / loser goes next ("W2-1", "L1-3"; empty: out or finished).
  std::string winner_to, loser_to;
};

struct standing {
  std::string entrant;
  /// 1 = champion; equal ranks share (e.g. two 3rd in single elim w/o 3P).
  /// Elimination: the final place once the entrant is out (or the bracket finished); 0 while the
  /// entrant is still in (those are listed first, in seed order).
  /// Round robin: the place within its group (group winners all rank 1); Swiss: the table place.
  int rank = 0;
  int wins = 0, losses = 0;  // matches (a bye is neither)
  int game_wins = 0, game_losses = 0;
  int group = 0;        // round robin: 1-based group; 0 otherwise
  int byes = 0;         // round robin and Swiss: rounds sat out
  int points = 0;       // Swiss: match points = wins + byes
  double buchholz = 0;  // Swiss: sum of opponents' match points
};

/// An entrant without an opponent in a round robin or Swiss round (odd count). Not a match.
struct bracket_bye {
  std::string entrant;
  int round = 1;
  int group = 0;  // round robin: 1-based group; 0 for Swiss
};

struct bracket {
  std::vector<bracket_match> matches;   // byes are not matches: a bye's entrant waits in round 2
  std::vector<standing> standings;      // best first
  std::optional<std::string> champion;  // round robin with several groups: none
  bool finished = false;
  std::vector<std::string> dropped;  // ids of results that no longer apply
  std::vector<bracket_bye> byes;     // round robin and Swiss
  /// Swiss: rounds planned (paired or not; round r is paired once round r-1 is done); other
  /// formats: the number of rounds of the winners' bracket, or of the largest group.
  int rounds = 0;
};

/// Order of seeds over the first round's slots: 1 v N, 2 v N-1, … placed so seeds 1 and 2 can
/// meet only in the final, with the byes (to the next power of two) going to the top seeds.
/// `bracket_size` must be a power of two (1-512); anything else gives an empty vector.
std::vector<int> standard_seed_order(int bracket_size);

/// Why `entrants` and `options` cannot make a bracket ("2-256 entrants", "names must differ",
/// "swiss_rounds must be 1-<n-1>"…); empty when they can.
std::string check_bracket(const bracket_options& options, std::span<const std::string> entrants);

/// The bracket after `results` (by match id). Precondition: check_bracket() is empty. Results of
/// matches that do not exist (yet) or whose opponents differ are ignored and listed in `dropped`.
bracket compute_bracket(const bracket_options& options, std::span<const std::string> entrants,
                        const std::map<std::string, match_result, std::less<>>& results);

/// Number of matches a finished bracket has (byes excluded), in closed form. Double elimination
/// with grand_final reset counts the reset match only when `reset_played`.
std::size_t expected_match_count(const bracket_options& options, std::size_t entrants,
                                 bool reset_played = false);

std::string_view to_string(bracket_format format);
std::optional<bracket_format> parse_bracket_format(std::string_view text);
std::string_view to_string(grand_final_rule rule);  // "none" | "simple" | "double"
std::optional<grand_final_rule> parse_grand_final(std::string_view text);
std::string_view to_string(match_status status);  // "waiting" | "ready" | "done"

}  // namespace aethex::actors::esports
