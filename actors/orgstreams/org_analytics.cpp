// Org analytics: each org channel's dashboard (actors/analytics/dashboard.hpp, the same read
// queries as GET channels/{channel}/analytics) for one period, summed, with the breakdown.
// Sums: views, watch time, chat messages, followers; unique viewers and chatters are summed
// per channel (a viewer of two channels counts twice); the peak is the highest sum of the
// channels' viewers in one bucket.
#include <map>
#include <mutex>

#include "actors/analytics/dashboard.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/orgstreams/internal.hpp"
#include "actors/orgstreams/policy_book.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// org/<slug> as this domain asks it (the orgs domain's public asks, orgs.hpp).
struct org_public_protocol {
  static constexpr std::string_view kind = "org";
  static std::string reply_to(org_get_atom);
};

constexpr const char* summed_figures[] = {"views",         "unique_viewers",  "watch_time_s",
                                          "chat_messages", "unique_chatters", "new_followers",
                                          "lost_followers"};

std::string analytics_csv(const json& out) {
  std::string csv =
    "channel,views,unique_viewers,watch_time_s,peak_viewers,chat_messages,"
    "unique_chatters,new_followers,lost_followers\n";
  auto row = [&csv](const std::string& name, const json& t) {
    csv += name;
    for (auto* key : {"views", "unique_viewers", "watch_time_s", "peak_viewers", "chat_messages",
                      "unique_chatters", "new_followers", "lost_followers"})
      csv += "," + std::to_string(t.value(key, std::int64_t{0}));
    csv += "\n";
  };
  for (auto& c : out["channels"])
    row(c["channel"], c["totals"]);
  row("total", out["totals"]);
  return csv;
}

json summed(const std::map<std::string, json>& dashboards) {
  json totals = json::object();
  for (auto* key : summed_figures)
    totals[key] = 0;
  std::map<std::int64_t, std::int64_t> viewers_at;
  for (auto& [_, d] : dashboards) {
    for (auto* key : summed_figures)
      totals[key] = totals[key].get<std::int64_t>() + d["totals"].value(key, std::int64_t{0});
    for (auto& p : d.value("series", json::array()))
      viewers_at[p.value("t", std::int64_t{0})] += p.value("viewers", std::int64_t{0});
  }
  std::int64_t peak = 0;
  for (auto& [_, n] : viewers_at)
    peak = std::max(peak, n);
  totals["peak_viewers"] = peak;
  return totals;
}

void answer_analytics(const node_env& env, dashboard_params params,
                      const std::set<std::string>& channels, route_reply reply, bool csv) {
  auto out = json{{"from", params.from}, {"to", params.to}};
  if (channels.empty()) {
    out["totals"] = summed({});
    out["channels"] = json::array();
    return reply(csv ? route_response::text(200, "text/csv; charset=utf-8", analytics_csv(out))
                     : route_response::json(200, out));
  }
  struct gather {
    std::mutex mutex;
    std::map<std::string, json> dashboards;
    std::size_t left = 0;
    caf::error failed;
  };
  auto g = std::make_shared<gather>();
  g->left = channels.size();
  for (auto& channel : channels) {
    auto p = params;
    p.channel = channel;
    build_dashboard(env, p, [g, out, reply, csv, channel](caf::expected<json> d) mutable {
      std::lock_guard lock{g->mutex};
      if (d)
        g->dashboards[channel] = std::move(*d);
      else if (!g->failed)
        g->failed = d.error();
      if (--g->left > 0)
        return;
      if (g->failed)
        return reply(g->failed);
      out["totals"] = summed(g->dashboards);
      auto list = json::array();
      for (auto& [name, dash] : g->dashboards) {
        auto t = dash["totals"];
        list.push_back(json{{"channel", name}, {"totals", t}});
      }
      out["channels"] = std::move(list);
      reply(csv ? route_response::text(200, "text/csv; charset=utf-8", analytics_csv(out))
                : route_response::json(200, out));
    });
  }
}

}  // namespace

void org_analytics(const node_env& env, route_request&& req, route_reply reply, bool csv) {
  const auto& org = req.param("org");
  if (!valid_org_slug(org))
    return reply(make_error(errc::not_found, "org not found"));
  auto params = dashboard_params_of(req, env.clock->now_ms());
  if (!params)
    return reply(params.error());
  entity_ref<org_public_protocol>{env.registry, org}
    .ask(org_get_atom::value)
    .then(*env.sys, [env, params = *params, who = req.who, reply,
                     csv](caf::expected<std::string> text) mutable {
      if (!text)
        return reply(text.error());
      auto facts = org_facts_of(json::parse(*text, nullptr, false));
      auto it = facts.roles.find(who.name);
      if (!who.is_admin() &&
          (it == facts.roles.end() || !org_role_allows(it->second, org_action::analytics)))
        return reply(make_error(errc::forbidden,
                                "only the org's owner and admins see its analytics"));
      answer_analytics(env, std::move(params), facts.channels, std::move(reply), csv);
    });
}

}  // namespace aethex::actors
