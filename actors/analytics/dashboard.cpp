// The creator dashboard from the analytics read model: the range and bucket, the members' rows
// merged (sums, max for viewers), zero-filled series, totals, sources with shares, sessions
// with their figures, recent followers and revenue when a revenue source is registered.
#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "actors/analytics/analytics_read_model.hpp"
#include "actors/analytics/internal.hpp"
#include "actors/analytics/revenue_source.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace ret = analytics_retention;
using rows_fn = std::function<void(caf::expected<std::vector<json>>)>;

constexpr std::int64_t default_range_ms = 7 * ret::day_ms;
constexpr std::int64_t minute_up_to_ms = 6 * ret::hour_ms;  // auto: minutes up to 6 h
constexpr std::int64_t hour_up_to_ms = 14 * ret::day_ms;    // auto: hours up to 14 days
constexpr std::int64_t max_points = 10'080;                 // a week of minutes
constexpr std::size_t recent_followers = 20;

caf::expected<std::int64_t> time_param(const route_request& req, std::string_view name,
                                       std::int64_t fallback) {
  auto text = req.query_param(name);
  if (!text)
    return fallback;
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
  if (ec != std::errc{} || end != text->data() + text->size() || ms < 0)
    return make_error(errc::invalid_argument,
                      std::string{name} + " must be a time in milliseconds since 1970");
  return ms;
}

std::int64_t bucket_width(std::string_view bucket, std::int64_t span_ms) {
  if (bucket == "minute")
    return analytics_minute_ms;
  if (bucket == "hour")
    return ret::hour_ms;
  if (bucket == "day")
    return ret::day_ms;
  return span_ms <= minute_up_to_ms ? analytics_minute_ms
         : span_ms <= hour_up_to_ms ? ret::hour_ms
                                    : ret::day_ms;
}

const char* bucket_name(std::int64_t width) {
  return width == analytics_minute_ms ? "minute" : width == ret::hour_ms ? "hour" : "day";
}

struct totals {
  std::int64_t views = 0, watch_s = 0, peak = 0, chat = 0, followed = 0, unfollowed = 0;
};

json assemble(const dashboard_params& p, std::int64_t width, const std::vector<json>& sessions,
              const std::vector<json>& rows, const json& revenue) {
  std::map<std::int64_t, json> points;
  std::map<std::string, std::int64_t> sources;
  std::map<std::string, json> figures;  // per session id
  std::vector<json> followers;
  std::int64_t unique_viewers = 0, unique_chatters = 0;
  for (auto& r : rows) {
    auto k = r.value("k", "");
    if (k == "point") {
      auto& pt = points[r.value("t", std::int64_t{0})];
      if (pt.is_null())
        pt = json{{"viewers", 0},       {"watch_s", 0},       {"views", 0},
                  {"chat_messages", 0}, {"new_followers", 0}, {"lost_followers", 0}};
      for (auto& [key, v] : pt.items())
        v = key == "viewers" ? std::max(v.get<std::int64_t>(), r.value(key, std::int64_t{0}))
                             : v.get<std::int64_t>() + r.value(key, std::int64_t{0});
    } else if (k == "source") {
      sources[r.value("source", "")] += r.value("views", std::int64_t{0});
    } else if (k == "session") {
      figures[r.value("id", "")] = r;
    } else if (k == "follower") {
      followers.push_back(json{{"user", r.value("user", "")}, {"at_ms", r.value("at_ms", 0)}});
    } else if (k == "unique_viewers") {
      unique_viewers += r.value("n", std::int64_t{0});
    } else if (k == "unique_chatters") {
      unique_chatters += r.value("n", std::int64_t{0});
    }
  }
  json series = json::array();
  totals t;
  for (auto at = floor_to(p.from, width); at < p.to; at += width) {
    auto it = points.find(at);
    auto get = [&](const char* key) {
      return it == points.end() ? std::int64_t{0} : it->second.value(key, std::int64_t{0});
    };
    series.push_back(json{{"t", at},
                          {"viewers", get("viewers")},
                          {"watch_s", get("watch_s")},
                          {"views", get("views")},
                          {"chat_messages", get("chat_messages")},
                          {"new_followers", get("new_followers")}});
    t.peak = std::max(t.peak, get("viewers"));
    t.watch_s += get("watch_s");
    t.views += get("views");
    t.chat += get("chat_messages");
    t.followed += get("new_followers");
    t.unfollowed += get("lost_followers");
  }
  std::int64_t source_views = 0;
  for (auto& [_, n] : sources)
    source_views += n;
  std::vector<std::pair<std::string, std::int64_t>> ranked(sources.begin(), sources.end());
  std::sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) {
    return std::tie(b.second, a.first) < std::tie(a.second, b.first);
  });
  json source_list = json::array();
  for (auto& [source, n] : ranked)
    source_list.push_back(json{{"source", source},
                               {"views", n},
                               {"share", source_views ? double(n) / double(source_views) : 0.0}});
  json session_list = json::array();
  for (auto& s : sessions) {
    auto id = s.value("id", "");
    auto ended = s.value("ended_at_ms", std::int64_t{0});
    auto f = figures.find(id);
    auto figure = [&](const char* key) {
      return f == figures.end() ? std::int64_t{0} : f->second.value(key, std::int64_t{0});
    };
    session_list.push_back(json{{"id", id},
                                {"started_at_ms", s.value("started_at_ms", std::int64_t{0})},
                                {"ended_at_ms", ended ? json(ended) : json(nullptr)},
                                {"peak_viewers", figure("peak_viewers")},
                                {"watch_time_s", figure("watch_time_s")},
                                {"views", figure("views")}});
  }
  std::sort(followers.begin(), followers.end(),
            [](const json& a, const json& b) { return a["at_ms"] > b["at_ms"]; });
  if (followers.size() > recent_followers)
    followers.resize(recent_followers);
  json total{{"views", t.views},
             {"unique_viewers", unique_viewers},
             {"watch_time_s", t.watch_s},
             {"avg_watch_time_s", t.views ? double(t.watch_s) / double(t.views) : 0.0},
             {"peak_viewers", t.peak},
             {"chat_messages", t.chat},
             {"unique_chatters", unique_chatters},
             {"new_followers", t.followed},
             {"lost_followers", t.unfollowed},
             {"follower_growth", t.followed - t.unfollowed}};
  return json{{"channel", p.channel},
              {"from", p.from},
              {"to", p.to},
              {"bucket", bucket_name(width)},
              {"totals", std::move(total)},
              {"series", std::move(series)},
              {"sources", std::move(source_list)},
              {"sessions", std::move(session_list)},
              {"recent_followers", followers},
              {"revenue", revenue}};
}

// Revenue rows merged per (t, currency) and per (t, currency, product), or null when no revenue
// source answers.
json revenue_of(const caf::expected<std::vector<json>>& rows) {
  if (!rows)
    return nullptr;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> sums;
  std::map<std::tuple<std::int64_t, std::string, std::string>, std::int64_t> product_sums;
  std::map<std::string, std::int64_t> totals;
  for (auto& r : *rows) {
    auto t = r.value("t", std::int64_t{0});
    auto currency = r.value("currency", "");
    auto amount = r.value("amount_minor", std::int64_t{0});
    sums[{t, currency}] += amount;
    product_sums[{t, currency, r.value("product", "")}] += amount;
    totals[currency] += amount;
  }
  json series = json::array();
  for (auto& [key, amount] : sums)
    series.push_back(json{{"t", key.first}, {"currency", key.second}, {"amount_minor", amount}});
  json by_product = json::array();
  for (auto& [key, amount] : product_sums)
    by_product.push_back(json{{"t", std::get<0>(key)},
                              {"currency", std::get<1>(key)},
                              {"product", std::get<2>(key)},
                              {"amount_minor", amount}});
  json total = json::array();
  for (auto& [currency, amount] : totals)
    total.push_back(json{{"currency", currency}, {"amount_minor", amount}});
  return json{{"totals", total}, {"series", series}, {"by_product", by_product}};
}

// The figures for a range that is known: read model rows, then revenue.
void run_dashboard(const node_env& env, dashboard_params p, std::vector<json> sessions,
                   std::function<void(caf::expected<json>)> done) {
  auto width = bucket_width(p.bucket, p.to - p.from);
  if ((p.to - floor_to(p.from, width)) / width >= max_points)
    return done(make_error(errc::invalid_argument,
                           "the range has too many " + std::string{bucket_name(width)} +
                             " buckets (at most " + std::to_string(max_points) + ")"));
  json ranges = json::array();
  for (auto& s : sessions) {
    auto ended = s.value("ended_at_ms", std::int64_t{0});
    ranges.push_back(json::array({s.value("id", ""), s.value("started_at_ms", std::int64_t{0}),
                                  ended ? ended : p.now}));
  }
  json args{
    {"channel", p.channel}, {"from", floor_to(p.from, width)}, {"to", p.to},
    {"bucket_ms", width},   {"sessions", std::move(ranges)},   {"followers", recent_followers},
    {"now", p.now}};
  env.query(std::string{analytics_queries::dashboard}, args,
            [env, p, width, sessions = std::move(sessions), args,
             done](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return done(rows.error());
              env.query(std::string{revenue_query}, args,
                        [p, width, sessions, rows = std::move(*rows),
                         done](caf::expected<std::vector<json>> revenue) {
                          done(assemble(p, width, sessions, rows, revenue_of(revenue)));
                        });
            });
}

std::string csv_cell(const json& v) {
  if (v.is_null())
    return "";
  if (!v.is_string())
    return v.dump();
  auto text = v.get<std::string>();
  // Quoted when it must be; a leading formula character is defused for spreadsheets.
  bool formula = !text.empty() && std::string_view{"=+-@"}.find(text[0]) != std::string::npos;
  if (!formula && text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string out = formula ? "\"'" : "\"";
  for (char c : text)
    out += c == '"' ? std::string{"\"\""} : std::string{c};
  return out + "\"";
}

std::string csv_of(const json& rows, std::initializer_list<const char*> columns) {
  std::string out;
  for (auto* c : columns)
    out += (out.empty() ? "" : ",") + std::string{c};
  out += "\n";
  for (auto& row : rows) {
    bool first = true;
    for (auto* c : columns) {
      out += (first ? "" : ",") + csv_cell(row.value(c, json{}));
      first = false;
    }
    out += "\n";
  }
  return out;
}

}  // namespace

caf::expected<dashboard_params> dashboard_params_of(const route_request& req, std::int64_t now) {
  dashboard_params p;
  p.channel = req.param("channel");
  p.now = now;
  auto to = time_param(req, "to", now);
  if (!to)
    return to.error();
  auto from = time_param(req, "from", std::max<std::int64_t>(0, *to - default_range_ms));
  if (!from)
    return from.error();
  if (*from >= *to)
    return make_error(errc::invalid_argument, "from must be before to");
  p.from = *from;
  p.to = *to;
  if (auto bucket = req.query_param("bucket")) {
    if (*bucket != "minute" && *bucket != "hour" && *bucket != "day" && *bucket != "auto")
      return make_error(errc::invalid_argument, "bucket must be minute, hour, day or auto");
    p.bucket = *bucket;
  }
  if (auto session = req.query_param("session")) {
    if (session->empty() || session->size() > 64)
      return make_error(errc::invalid_argument, "session must be a session id");
    p.session = *session;
  }
  return p;
}

void build_dashboard(const node_env& env, dashboard_params p,
                     std::function<void(caf::expected<json>)> done) {
  json args{{"channel", p.channel}, {"from", p.from}, {"to", p.to}};
  if (p.session)
    args = json{{"channel", p.channel}, {"session", *p.session}};
  env.query(std::string{analytics_queries::sessions}, std::move(args),
            [env, p, done](caf::expected<std::vector<json>> rows) mutable {
              if (!rows)
                return done(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a["started_at_ms"] > b["started_at_ms"];
              });
              if (p.session) {
                if (rows->empty())
                  return done(make_error(errc::not_found, "no such session of this channel"));
                rows->resize(1);
                auto& s = rows->front();
                auto ended = s.value("ended_at_ms", std::int64_t{0});
                p.from = s.value("started_at_ms", std::int64_t{0});
                p.to = std::max(p.from + 1, ended ? ended : p.now);
              }
              run_dashboard(env, std::move(p), std::move(*rows), std::move(done));
            });
}

bool valid_csv_table(std::string_view table) {
  return table == "series" || table == "sources" || table == "sessions" || table == "totals" ||
         table == "recent_followers";
}

caf::expected<std::string> dashboard_csv(const json& d, std::string_view table) {
  if (table == "series")
    return csv_of(d.value("series", json::array()),
                  {"t", "viewers", "watch_s", "views", "chat_messages", "new_followers"});
  if (table == "sources")
    return csv_of(d.value("sources", json::array()), {"source", "views", "share"});
  if (table == "sessions")
    return csv_of(d.value("sessions", json::array()),
                  {"id", "started_at_ms", "ended_at_ms", "peak_viewers", "watch_time_s", "views"});
  if (table == "recent_followers")
    return csv_of(d.value("recent_followers", json::array()), {"user", "at_ms"});
  if (table == "totals")
    return csv_of(json::array({d.value("totals", json::object())}),
                  {"views", "unique_viewers", "watch_time_s", "avg_watch_time_s", "peak_viewers",
                   "chat_messages", "unique_chatters", "new_followers", "lost_followers",
                   "follower_growth"});
  return make_error(errc::invalid_argument,
                    "table must be series, sources, sessions, totals or recent_followers");
}

}  // namespace aethex::actors
