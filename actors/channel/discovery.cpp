// Discovery: the categories page (GET /api/v1/categories) and the directory's sorted views of
// live channels (GET /api/v1/channels?live=true&sort=viewers|recent|featured|trending&category=…).
//
// Both need live figures (viewers, start time) that only the channel entities have, so they
// gather every live row first (each member answers for the channels it owns), ask the entities
// in parallel, then sort and cut the page. Live channels are few next to all channels; a node
// with very many live channels would keep a viewers table fed by the ingest health reports
// instead (left for when the bench says so).
#include <algorithm>
#include <cmath>
#include <map>

#include "actors/channel/channel_directory.hpp"
#include "actors/channel/channel_search.hpp"
#include "actors/channel/internal.hpp"
#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_category_chars = 50;

constexpr std::int64_t chat_window_ms = 5 * 60'000;  // trending's chat velocity window

std::int64_t viewers_of(const json& row) { return row.value("viewers", std::int64_t{0}); }

// Trending (docs/api.md): audience growth over the last 10 minutes plus chat velocity over the
// last 5, both relative to the audience, so a small channel that doubles outranks a big one
// that gains a few. The +10 damps the tiny: 1 → 3 viewers is not +200 %.
double trending_score(double viewers, double viewers_window_ago, double chat_messages) {
  double growth = 100.0 * (viewers - viewers_window_ago) / (viewers_window_ago + 10.0);
  double chat = 100.0 * (chat_messages / 5.0) / (viewers + 10.0);
  return std::round((growth + chat) * 10.0) / 10.0;
}
std::int64_t started_of(const json& row) {
  return row["started_at_ms"].is_number() ? row["started_at_ms"].get<std::int64_t>() : 0;
}

// GET /api/v1/categories[?limit=N]: every category a channel has, with its live channels and
// their viewers, most watched first.
void list_categories(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", default_channel_page, 1, max_channel_page);
  if (!limit)
    return reply(limit.error());
  env.query(
    "channel.categories", json::object(),
    [env, limit = *limit, reply](caf::expected<std::vector<json>> rows) {
      if (!rows)
        return reply(rows.error());
      // Categories are matched without case ("retro games" is "Retro Games"); the first spelling
      // seen names it.
      std::map<std::string, json> by_key;
      json live_rows = json::array();
      for (auto& row : *rows) {
        auto name = row.value("category", std::string{});
        auto key = ascii_lower(name);
        auto& entry = by_key[key];
        if (entry.is_null())
          entry = json{{"name", name}, {"channels", 0}, {"live_channels", 0}, {"viewers", 0}};
        entry["channels"] = entry["channels"].get<std::int64_t>() + row.value("channels", 0);
        for (auto& live : row.value("live", json::array())) {
          entry["live_channels"] = entry["live_channels"].get<std::int64_t>() + 1;
          live_rows.push_back(json{{"name", live}, {"live", true}, {"category", key}});
        }
      }
      with_live_figures(
        env, std::move(live_rows), [by_key = std::move(by_key), limit, reply](json live) mutable {
          for (auto& row : live) {
            auto& entry = by_key[row.value("category", std::string{})];
            entry["viewers"] = entry["viewers"].get<std::int64_t>() + viewers_of(row);
          }
          std::vector<json> out;
          for (auto& [_, entry] : by_key)
            out.push_back(std::move(entry));
          std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
            return std::tuple{viewers_of(a), a["live_channels"].get<std::int64_t>()} >
                   std::tuple{viewers_of(b), b["live_channels"].get<std::int64_t>()};
          });
          if (out.size() > limit)
            out.resize(limit);
          reply(route_response::json(200, json{{"categories", out}}));
        });
    });
}

// One page of live rows in `sort` order, with the total and the next page's offset.
json sorted_page(json rows, const std::string& sort, std::size_t offset, std::size_t limit) {
  std::vector<json> sorted(rows.begin(), rows.end());
  auto by_viewers = [](const json& a, const json& b) {
    return std::tuple{viewers_of(a), started_of(b)} >
           std::tuple{viewers_of(b), started_of(a)};  // ties: longest live first
  };
  std::stable_sort(sorted.begin(), sorted.end(), [&](const json& a, const json& b) {
    if (sort == "recent")
      return started_of(a) > started_of(b);
    if (sort == "featured" && a.value("featured", false) != b.value("featured", false))
      return a.value("featured", false);
    if (sort == "trending" && a.value("trending", 0.0) != b.value("trending", 0.0))
      return a.value("trending", 0.0) > b.value("trending", 0.0);
    return by_viewers(a, b);
  });
  json page = json::array();
  for (auto i = offset; i < sorted.size() && page.size() < limit; ++i)
    page.push_back(std::move(sorted[i]));
  drop_internal_figures(page);
  auto more = offset + page.size() < sorted.size();
  return json{{"channels", page},
              {"total", sorted.size()},
              {"next_offset", more ? json(offset + page.size()) : json(nullptr)}};
}

// Adds "trending" to every live row: the chat velocity comes from the rooms' activity read
// model (each member answers for the rooms it owns).
void with_trending(const node_env& env, json rows, std::function<void(json)> done) {
  json names = json::array();
  for (auto& row : rows)
    names.push_back(row.value("name", ""));
  env.query("chat.velocity",
            json{{"channels", names}, {"since_ms", env.clock->now_ms() - chat_window_ms}},
            [rows = std::move(rows), done](caf::expected<std::vector<json>> counts) mutable {
              std::map<std::string, double> messages;
              if (counts)  // without them, trending is growth alone
                for (auto& count : *counts)
                  messages[count.value("channel", "")] += count.value("messages", 0.0);
              for (auto& row : rows)
                row["trending"] = trending_score(static_cast<double>(viewers_of(row)),
                                                 row.value("viewers_window_ago", 0.0),
                                                 messages[row.value("name", "")]);
              done(std::move(rows));
            });
}

}  // namespace

bool wants_browse(const route_request& req) {
  return req.query_param("sort") || req.query_param("category");
}

// Live channels only (offline ones have no viewers to sort by): `sort` viewers (default, most
// first) or recent (latest start first), `category` (any case), `offset` + `limit` pages.
void browse_live(const node_env& env, route_request&& req, route_reply reply) {
  auto live = req.query_param("live");
  if (live && *live != "true")
    return reply(make_error(errc::invalid_argument,
                            "sort and category browse live channels: "
                            "live must be true"));
  auto sort = req.query_param("sort").value_or("viewers");
  if (sort != "viewers" && sort != "recent" && sort != "featured" && sort != "trending")
    return reply(make_error(errc::invalid_argument,
                            "sort must be viewers, recent, featured or trending"));
  auto category = decode_query_value(req.query_param("category").value_or(""));
  if (!category || category->size() > max_category_chars)
    return reply(make_error(errc::invalid_argument, "category must be text of at most 50 bytes"));
  auto limit = req.number_param("limit", default_channel_page, 1, max_channel_page);
  auto offset = req.number_param("offset", 0, 0, 100000);
  if (!limit)
    return reply(limit.error());
  if (!offset)
    return reply(offset.error());
  auto args = json::object();
  args["category"] = *category;
  env.query(
    "channel.live_rows", std::move(args),
    [env, sort, limit = *limit, offset = *offset, reply](caf::expected<std::vector<json>> rows) {
      if (!rows)
        return reply(rows.error());
      with_live_figures(env, json(*rows), [env, sort, limit, offset, reply](json rows) {
        auto page = [sort, limit, offset, reply](json rows) {
          reply(route_response::json(200, sorted_page(std::move(rows), sort, offset, limit)));
        };
        if (sort != "trending")
          return page(std::move(rows));
        with_trending(env, std::move(rows), page);
      });
    });
}

// Counts from the directory's per-category counters (owned partitions only); the live channels'
// names ride along so the route can total their viewers.
json categories_query(storage::sqlite::database& db, const json&, const owns_fn& owns) {
  std::map<std::string, json> by_category;
  for (auto& count : channel_directory::category_counts(db)) {
    if (!owns("channel", count.sample))
      continue;
    auto& entry = by_category[count.category];
    if (entry.is_null())
      entry = json{{"category", count.category}, {"channels", 0}, {"live", json::array()}};
    entry["channels"] = entry["channels"].get<std::uint64_t>() + count.channels;
  }
  for (auto& row : channel_directory::live(db))
    if (auto it = by_category.find(row.category);
        it != by_category.end() && owns("channel", row.name))
      it->second["live"].push_back(row.name);
  json out = json::array();
  for (auto& [_, entry] : by_category)
    out.push_back(std::move(entry));
  return out;
}

json live_rows_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  json out = json::array();
  for (auto& row : channel_directory::live(db, args.value("category", std::string{})))
    if (owns("channel", row.name))
      out.push_back(directory_row_json(row));
  return out;
}

void add_discovery_routes(route_table& routes, const node_env& env) {
  routes.add(http_method::get, "categories", access::anyone, with_env(env, list_categories),
             "categories with their channels, live channels and viewers, most watched first");
}

}  // namespace aethex::actors
