// analytics/<channel> in the admin console: what the entity holds in memory (open spans, the
// minute being counted) and closing the minutes that are over now.
#include <caf/all.hpp>

#include "actors/analytics/analytics.hpp"
#include "actors/analytics/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter analytics_adapter() {
  adapter a;
  a.kind = "analytics";
  a.summary = "a channel's watch heartbeats turned into minutes";
  a.show_query = "get";
  a.ask("get", {}, "Open spans (viewers being counted) and the minute being counted.",
        "ask analytics/alice get", message_of_args(get_atom::value),
        expecting<analytics_live_view>([](const analytics_live_view& v) -> caf::expected<json> {
          return json{{"channel", v.channel},
                      {"open_spans", v.open_spans},
                      {"minute_ms", v.minute_ms},
                      {"minute_peak_viewers", v.minute_peak},
                      {"minute_watch_s", v.minute_watch_s},
                      {"minute_views", v.minute_views},
                      {"last_written_minute_ms", v.last_written_minute_ms}};
        }));
  a.send("tick", {}, "Writes the minutes that are over now; answers how many.",
         "send analytics/alice tick", message_of_args(analytics_tick_atom::value),
         expecting<std::uint32_t>([](const std::uint32_t& n) -> caf::expected<json> {
           return json{{"written", n}};
         }));
  a.send("flush", {}, "Writes what the current minute counted so far now; answers how many.",
         "send analytics/alice flush", message_of_args(analytics_flush_atom::value),
         expecting<std::uint32_t>([](const std::uint32_t& n) -> caf::expected<json> {
           return json{{"written", n}};
         }));
  return a;
}

}  // namespace aethex::actors
