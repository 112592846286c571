// Recommended channels for a signed-in user, each with a one-line reason:
//  1. followed by people who follow what you follow (collaborative: the follows read model,
//     each member counting over the users it owns), most shared followers first;
//  2. live now in the categories of the channels you follow most recently (affinity);
//  3. with no follows yet, the most watched live channels.
// Channels you follow and your own are never recommended.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/social/follows.hpp"
#include "actors/social/internal.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_recommended = 12;
constexpr std::size_t max_collaborative = 8;
constexpr std::size_t affinity_follows = 20;  // recent follows whose categories count
constexpr std::size_t affinity_categories = 3;
constexpr std::size_t max_co_followers = 5000;   // users looked at per member
constexpr std::size_t max_live_looked_at = 100;  // live channels asked for their audience

struct candidate {
  std::string channel;
  std::string reason;
};

json row_json(const channel_view& v, const std::string& reason) {
  return json{{"name", v.name},
              {"title", v.title},
              {"category", v.category},
              {"owner", v.owner},
              {"live", v.live},
              {"hls", "/hls/" + v.name + "/index.m3u8"},
              {"started_at_ms", v.live ? json(v.started_at_ms) : json(nullptr)},
              {"viewers", v.viewers},
              {"featured", v.featured},
              {"reason", reason}};
}

// Asks every channel entity of `names` in parallel; `done` gets their views (missing ones left
// out), in no particular order.
void channel_views(const node_env& env, std::vector<std::string> names,
                   std::function<void(std::vector<channel_view>)> done) {
  struct pending {
    std::mutex mutex;
    std::vector<channel_view> views;
    std::size_t left = 0;
    std::function<void(std::vector<channel_view>)> done;
  };
  if (names.empty())
    return done({});
  auto state = std::make_shared<pending>();
  state->left = names.size();
  state->done = std::move(done);
  for (auto& name : names)
    entity_ref<channel_protocol>{env.registry, name}
      .ask(get_atom::value)
      .then(*env.sys, [state](caf::expected<channel_view> view) {
        std::lock_guard lock{state->mutex};
        if (view)
          state->views.push_back(std::move(*view));
        if (--state->left == 0)
          state->done(std::move(state->views));
      });
}

std::string people_who_follow(std::int64_t n) {
  return n == 1 ? "1 person who follows " : std::to_string(n) + " people who follow ";
}

// Renders the candidates in order, dropping any that no longer exist.
void reply_rows(const node_env& env, std::vector<candidate> picked, route_reply reply) {
  std::vector<std::string> names;
  names.reserve(picked.size());
  for (auto& c : picked)
    names.push_back(c.channel);
  channel_views(env, names, [picked, reply](std::vector<channel_view> views) {
    json rows = json::array();
    for (auto& c : picked)
      for (auto& v : views)
        if (v.name == c.channel)
          rows.push_back(row_json(v, c.reason));
    reply(route_response::json(200, json{{"channels", rows}}));
  });
}

// Live channels in the followed channels' categories (or all live ones when `categories` is
// empty), most watched first, after the collaborative picks.
void add_live(const node_env& env, std::vector<candidate> picked, std::set<std::string> excluded,
              std::map<std::string, std::string> via_category, route_reply reply) {
  env.query(
    "channel.live_rows", json::object(),
    [env, picked, excluded, via_category, reply](caf::expected<std::vector<json>> rows) mutable {
      if (!rows)
        return reply(rows.error());
      std::vector<std::string> live;
      for (auto& row : *rows) {
        auto name = row.value("name", "");
        auto category = row.value("category", "");
        if (excluded.count(name) || (!via_category.empty() && !via_category.count(category)))
          continue;
        if (live.size() >= max_live_looked_at)
          break;
        live.push_back(name);
      }
      channel_views(env, live,
                    [env, picked, via_category, reply](std::vector<channel_view> views) mutable {
                      std::sort(views.begin(), views.end(),
                                [](auto& a, auto& b) { return a.viewers > b.viewers; });
                      for (auto& v : views) {
                        if (picked.size() >= max_recommended)
                          break;
                        auto reason = via_category.empty() ? "Popular right now"
                                                           : "Live in " + v.category + ", like " +
                                                               via_category[v.category];
                        picked.push_back({v.name, reason});
                      }
                      reply_rows(env, std::move(picked), reply);
                    });
    });
}

void recommend(const node_env& env, route_request&& req, route_reply reply) {
  auto me = req.who.name;
  entity_ref<follows_protocol>{env.registry, me}
    .ask(get_atom::value)
    .then(*env.sys, [env, me, reply](caf::expected<follows_view> follows) {
      if (!follows)
        return reply(follows.error());
      std::set<std::string> excluded{me};
      json followed = json::array();
      for (auto& f : follows->channels) {
        excluded.insert(f.channel);
        followed.push_back(f.channel);
      }
      if (followed.empty())
        return add_live(env, {}, excluded, {}, reply);
      env.query(
        "social.co_follows", json{{"channels", followed}, {"user", me}},
        [env, excluded, follows = *follows, reply](caf::expected<std::vector<json>> rows) {
          if (!rows)
            return reply(rows.error());
          std::map<std::string, std::pair<std::int64_t, std::string>> shared;
          for (auto& row : *rows) {
            auto& entry = shared[row.value("channel", "")];
            entry.first += row.value("users", std::int64_t{0});
            if (entry.second.empty())
              entry.second = row.value("via", "");
          }
          std::vector<std::pair<std::string, std::pair<std::int64_t, std::string>>> ranked(
            shared.begin(), shared.end());
          std::stable_sort(ranked.begin(), ranked.end(),
                           [](auto& a, auto& b) { return a.second.first > b.second.first; });
          std::vector<candidate> picked;
          auto taken = excluded;
          for (auto& [channel, count] : ranked) {
            if (picked.size() >= max_collaborative || taken.count(channel))
              continue;
            taken.insert(channel);
            picked.push_back({channel,
                              "Followed by " + people_who_follow(count.first) + count.second});
          }
          // Category affinity from the most recent follows.
          std::vector<std::string> recent;
          for (auto it = follows.channels.rbegin();
               it != follows.channels.rend() && recent.size() < affinity_follows; ++it)
            recent.push_back(it->channel);
          channel_views(
            env, recent, [env, picked, taken, reply](std::vector<channel_view> views) mutable {
              std::map<std::string, std::pair<std::size_t, std::string>> categories;
              for (auto& v : views)
                if (!v.category.empty()) {
                  auto& entry = categories[v.category];
                  ++entry.first;
                  entry.second = v.name;
                }
              std::vector<std::pair<std::string, std::pair<std::size_t, std::string>>> top(
                categories.begin(), categories.end());
              std::stable_sort(top.begin(), top.end(),
                               [](auto& a, auto& b) { return a.second.first > b.second.first; });
              std::map<std::string, std::string> via_category;
              for (std::size_t i = 0; i < top.size() && i < affinity_categories; ++i)
                via_category[top[i].first] = top[i].second.second;
              if (via_category.empty())
                return reply_rows(env, std::move(picked), reply);
              add_live(env, std::move(picked), std::move(taken), std::move(via_category), reply);
            });
        });
    });
}

}  // namespace

json co_follows_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto me = args.value("user", std::string{});
  std::set<std::string> followed;
  for (auto& c : args.value("channels", json::array()))
    if (c.is_string() && followed.size() < max_follows)
      followed.insert(c.get<std::string>());
  // Who else follows them (on this member), and through which of them.
  std::map<std::string, std::string> via;
  auto followers = db.prepare("SELECT user FROM follows WHERE channel = ?1 LIMIT ?2");
  for (auto& channel : followed) {
    followers.reset();
    followers.bind(1, channel).bind(2, static_cast<std::int64_t>(max_co_followers));
    while (followers.step() && via.size() < max_co_followers) {
      auto user = followers.column_text(0);
      if (user != me && owns("follows", user))
        via.emplace(user, channel);
    }
  }
  std::map<std::string, std::pair<std::int64_t, std::string>> counts;
  auto theirs = db.prepare("SELECT channel FROM follows WHERE user = ?1");
  for (auto& [user, through] : via) {
    theirs.reset();
    theirs.bind(1, user);
    while (theirs.step()) {
      auto channel = theirs.column_text(0);
      if (channel == me || followed.count(channel))
        continue;
      auto& entry = counts[channel];
      ++entry.first;
      if (entry.second.empty())
        entry.second = through;
    }
  }
  std::vector<std::pair<std::string, std::pair<std::int64_t, std::string>>> ranked(counts.begin(),
                                                                                   counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto& a, auto& b) { return a.second.first > b.second.first; });
  json out = json::array();
  for (std::size_t i = 0; i < ranked.size() && i < 2 * max_recommended; ++i)
    out.push_back(json{{"channel", ranked[i].first},
                       {"users", ranked[i].second.first},
                       {"via", ranked[i].second.second}});
  return out;
}

void add_recommendation_routes(route_table& routes, const node_env& env) {
  routes.add(http_method::get, "me/recommendations", access::user, with_env(env, recommend),
             "channels recommended for the signed-in account, each with a one-line reason");
}

}  // namespace aethex::actors
