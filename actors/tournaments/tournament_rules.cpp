#include "actors/tournaments/tournament_rules.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::esports {
namespace trn_rules {

using json = nlohmann::json;

caf::error bad(const std::string& what) { return make_error(errc::invalid_argument, what); }

std::string trim(std::string_view text) {
  constexpr std::string_view blank = " \t\r\n";
  auto first = text.find_first_not_of(blank);
  if (first == std::string_view::npos)
    return {};
  return std::string{text.substr(first, text.find_last_not_of(blank) - first + 1)};
}

bool is_slug(std::string_view s, std::size_t lo, std::size_t hi, bool dash) {
  if (s.size() < lo || s.size() > hi)
    return false;
  return std::all_of(s.begin(), s.end(), [dash](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
  });
}

caf::expected<std::int64_t> int_in(const json& body, const char* key, std::int64_t lo,
                                   std::int64_t hi, std::int64_t fallback) {
  auto it = body.find(key);
  if (it == body.end())
    return fallback;
  auto rule = std::string{"'"} + key + "' must be " + std::to_string(lo) + "-" + std::to_string(hi);
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)))
    return bad(rule);
  auto n = it->get<std::int64_t>();
  if (n < lo || n > hi)
    return bad(rule);
  return n;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

// Reads `n` digits at `pos` of `s`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<std::int64_t> parse_iso(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute))
    return std::nullopt;
  std::size_t pos = 16;
  std::int64_t millis = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, second))
      return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int scale = 100;
      auto start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start)
        return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  if (pos >= s.size())
    return std::nullopt;  // no zone: ambiguous, refused
  std::int64_t offset_min = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh))
      return std::nullopt;
    auto after = pos + 3;
    if (after < s.size() && s[after] == ':')
      ++after;
    if (!digits(s, after, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos = after + 2;
  } else {
    return std::nullopt;
  }
  if (pos != s.size())
    return std::nullopt;
  auto days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return seconds * 1000 + millis;
}

constexpr std::string_view settings_keys[] = {
  "name",    "description",  "game",        "format",           "entrant_type",
  "seeding", "grand_final",  "third_place", "groups",           "swiss_rounds",
  "best_of", "max_entrants", "starts_at",   "check_in_minutes", "prize_pool"};

caf::error apply_field(tournament_settings& s, const std::string& key, const json& v) {
  using namespace aethex::actors;
  if (key == "name") {
    if (!v.is_string())
      return bad("'name' must be 1-80 characters");
    auto name = trim(v.get<std::string>());
    if (name.empty() || utf8_length(name) > 80)
      return bad("'name' must be 1-80 characters");
    s.name = std::move(name);
  } else if (key == "description") {
    if (!v.is_string() || utf8_length(v.get<std::string>()) > 2000)
      return bad("'description' must be at most 2000 characters");
    s.description = trim(v.get<std::string>());
  } else if (key == "game") {
    if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) {
      s.game.clear();
    } else {
      if (!v.is_string() || !is_slug(v.get<std::string>(), 3, 40, true))
        return bad("'game' must be a leaderboard slug (3-40 of a-z 0-9 _ -)");
      s.game = v.get<std::string>();
    }
  } else if (key == "format") {
    auto f = v.is_string() ? parse_bracket_format(v.get<std::string>()) : std::nullopt;
    if (!f)
      return bad("'format' must be single_elimination, double_elimination, round_robin or swiss");
    s.options.format = *f;
  } else if (key == "entrant_type") {
    if (v != "user" && v != "team")
      return bad("'entrant_type' must be user or team");
    s.team_entrants = v == "team";
  } else if (key == "seeding") {
    if (v != "given" && v != "random")
      return bad("'seeding' must be given or random");
    s.random_seeding = v == "random";
  } else if (key == "grand_final") {
    auto g = v.is_string() ? parse_grand_final(v.get<std::string>()) : std::nullopt;
    if (!g)
      return bad("'grand_final' must be none, simple or double");
    s.options.grand_final = *g;
  } else if (key == "third_place") {
    if (!v.is_boolean())
      return bad("'third_place' must be true or false");
    s.options.third_place = v.get<bool>();
  } else {
    json one{{key, v}};
    if (key == "groups") {
      auto n = int_in(one, "groups", 1, 16, 1);
      if (!n)
        return n.error();
      s.options.groups = static_cast<int>(*n);
    } else if (key == "swiss_rounds") {
      auto n = int_in(one, "swiss_rounds", 0, 255, 0);
      if (!n)
        return n.error();
      s.options.swiss_rounds = static_cast<int>(*n);
    } else if (key == "best_of") {
      auto n = int_in(one, "best_of", 1, 7, 1);
      if (!n || *n % 2 == 0)
        return bad("'best_of' must be 1, 3, 5 or 7");
      s.best_of = static_cast<int>(*n);
    } else if (key == "max_entrants") {
      auto n = int_in(one, "max_entrants", 2, 256, 256);
      if (!n)
        return n.error();
      s.max_entrants = static_cast<std::size_t>(*n);
    } else if (key == "check_in_minutes") {
      auto n = int_in(one, "check_in_minutes", 0, 1440, 0);
      if (!n)
        return n.error();
      s.check_in_minutes = *n;
    } else if (key == "starts_at") {
      if (v.is_null()) {
        s.starts_at_ms = 0;
      } else {
        auto at = parse_time(v, "starts_at");
        if (!at)
          return at.error();
        s.starts_at_ms = *at;
      }
    } else if (key == "prize_pool") {
      if (v.is_null()) {
        s.prize.reset();
        return caf::none;
      }
      const char* rule =
        "'prize_pool' must be {\"amount\" > 0, \"currency\" (ISO 4217), \"split_bp\": [1-16 "
        "places, each > 0, sum 10000]}";
      if (!v.is_object())
        return bad(rule);
      prize_pool p;
      auto amount = int_in(v, "amount", 1, (std::int64_t{1} << 53) - 1, 0);
      if (!amount || *amount == 0)
        return bad(rule);
      p.amount = *amount;
      auto cur = v.value("currency", std::string{});
      if (cur.size() != 3 ||
          !std::all_of(cur.begin(), cur.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return bad(rule);
      p.currency = cur;
      auto split = v.find("split_bp");
      if (split == v.end() || !split->is_array() || split->empty() || split->size() > 16)
        return bad(rule);
      std::int64_t sum = 0;
      for (auto& bp : *split) {
        if (!bp.is_number_integer() || bp.get<std::int64_t>() <= 0 ||
            bp.get<std::int64_t>() > 10000)
          return bad(rule);
        sum += bp.get<std::int64_t>();
        p.split_bp.push_back(bp.get<std::int64_t>());
      }
      if (sum != 10000)
        return bad(rule);
      s.prize = std::move(p);
    }
  }
  return caf::none;
}

}  // namespace trn_rules

using json = nlohmann::json;

json settings_json(const tournament_settings& s) {
  json j{{"name", s.name},
         {"description", s.description},
         {"game", s.game},
         {"format", to_string(s.options.format)},
         {"third_place", s.options.third_place},
         {"grand_final", to_string(s.options.grand_final)},
         {"groups", s.options.groups},
         {"swiss_rounds", s.options.swiss_rounds},
         {"seeding", s.random_seeding ? "random" : "given"},
         {"entrant_type", s.team_entrants ? "team" : "user"},
         {"best_of", s.best_of},
         {"max_entrants", s.max_entrants},
         {"starts_at_ms", s.starts_at_ms},
         {"check_in_minutes", s.check_in_minutes}};
  if (s.prize)
    j["prize_pool"] = json{{"amount", s.prize->amount},
                           {"currency", s.prize->currency},
                           {"split_bp", s.prize->split_bp}};
  else
    j["prize_pool"] = nullptr;
  return j;
}

tournament_settings settings_from_json(const json& j) {
  tournament_settings s;
  s.name = j.value("name", "");
  s.description = j.value("description", "");
  s.game = j.value("game", "");
  s.options.format = parse_bracket_format(j.value("format", "single_elimination"))
                       .value_or(bracket_format::single_elimination);
  s.options.third_place = j.value("third_place", false);
  s.options.grand_final =
    parse_grand_final(j.value("grand_final", "simple")).value_or(grand_final_rule::simple);
  s.options.groups = j.value("groups", 1);
  s.options.swiss_rounds = j.value("swiss_rounds", 0);
  s.random_seeding = j.value("seeding", "given") == "random";
  s.team_entrants = j.value("entrant_type", "user") == "team";
  s.best_of = j.value("best_of", 1);
  s.max_entrants = j.value("max_entrants", std::size_t{256});
  s.starts_at_ms = j.value("starts_at_ms", std::int64_t{0});
  s.check_in_minutes = j.value("check_in_minutes", std::int64_t{0});
  if (auto p = j.find("prize_pool"); p != j.end() && p->is_object())
    s.prize = prize_pool{p->value("amount", std::int64_t{0}), p->value("currency", ""),
                         p->value("split_bp", std::vector<std::int64_t>{})};
  return s;
}

caf::expected<tournament_settings> parse_settings(const json& body) {
  tournament_settings s;
  if (!body.contains("name"))
    return trn_rules::bad("'name' must be 1-80 characters");
  if (!body.contains("format"))
    return trn_rules::bad("'format' is required");
  for (auto& [key, value] : body.items()) {
    if (key == "entrants" || key == "start")
      continue;
    if (std::find(std::begin(trn_rules::settings_keys), std::end(trn_rules::settings_keys), key) ==
        std::end(trn_rules::settings_keys))
      return trn_rules::bad("unknown field '" + key + "'");
    if (auto err = trn_rules::apply_field(s, key, value))
      return err;
  }
  return s;
}

caf::expected<tournament_settings> patch_settings(tournament_settings s, const json& patch,
                                                  bool started) {
  for (auto& [key, value] : patch.items()) {
    if (std::find(std::begin(trn_rules::settings_keys), std::end(trn_rules::settings_keys), key) ==
        std::end(trn_rules::settings_keys))
      return trn_rules::bad("unknown field '" + key + "'");
    if (started && key != "name" && key != "description")
      return make_error(errc::conflict, "only name and description change after the start",
                        "started");
    if (auto err = trn_rules::apply_field(s, key, value))
      return err;
  }
  return s;
}

bool valid_entrant_name(std::string_view name) { return trn_rules::is_slug(name, 1, 25, false); }

caf::expected<std::int64_t> parse_time(const json& value, std::string_view field) {
  auto rule = "'" + std::string{field} +
              "' must be an ISO 8601 time with its offset (2026-12-04T18:00:00+01:00) or ms";
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n <= 0 || n > std::int64_t{253402300799000})
      return trn_rules::bad(rule);
    return n;
  }
  if (!value.is_string())
    return trn_rules::bad(rule);
  auto ms = trn_rules::parse_iso(value.get<std::string>());
  if (!ms || *ms <= 0)
    return trn_rules::bad(rule);
  return *ms;
}

bool valid_score(int best_of, const std::array<int, 2>& score, int winner) {
  if (winner < 0 || winner > 1 || score[0] < 0 || score[1] < 0)
    return false;
  int need = (best_of + 1) / 2;
  int loser = 1 - winner;
  auto w = static_cast<std::size_t>(winner), l = static_cast<std::size_t>(loser);
  return score[w] == need && score[l] < need;
}

std::vector<std::int64_t> split_prize(std::int64_t amount, const std::vector<std::int64_t>& bp) {
  std::vector<std::int64_t> out;
  std::int64_t given = 0;
  for (auto part : bp) {
    // amount < 2^53 and part <= 10000: the product fits in 64 bits.
    out.push_back(amount / 10000 * part + amount % 10000 * part / 10000);
    given += out.back();
  }
  if (!out.empty())
    out[0] += amount - given;
  return out;
}

std::vector<std::int64_t> share_equally(std::int64_t amount, std::size_t members) {
  if (members == 0)
    return {};
  std::vector<std::int64_t> out(members, amount / static_cast<std::int64_t>(members));
  out[0] += amount % static_cast<std::int64_t>(members);
  return out;
}

}  // namespace aethex::actors::esports
