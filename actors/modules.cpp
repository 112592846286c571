// Adding a domain: its folder under actors/ (with a module.cpp defining <name>_module()), its
// tests under tests/actors/<name>/, and one line here. Order matters only where a module's
// start() uses what an earlier one registered (identity provides the session resolver).
#include "actors/modules.hpp"

// One domain per line, as written (clang-format would join them).
// clang-format off
#define AETHEX_MODULES(domain) \
  domain(identity)             \
  domain(channel)              \
  domain(chat)                 \
  domain(console)              \
  domain(social)               \
  domain(notify)               \
  domain(messaging)            \
  domain(raid)                 \
  domain(vod)                  \
  domain(clip)                 \
  domain(analytics)            \
  domain(engagement)           \
  domain(polls)                \
  domain(emotes)               \
  domain(payments)             \
  domain(ledger)               \
  domain(payouts)              \
  domain(subscriptions)        \
  domain(tips)                 \
  domain(teams)                \
  domain(leaderboards)         \
  domain(tournaments)          \
  domain(bots)                 \
  domain(push)                 \
  domain(overlays)             \
  domain(webhooks)             \
  domain(apps)                 \
  domain(audio)                \
  domain(music)                \
  domain(spotify)              \
  domain(certificates)         \
  domain(courses)              \
  domain(webinars)             \
  domain(orgstreams)           \
  domain(qna)                  \
  domain(orgs)                 \
  /* one line per domain above; this line ends the list */
// clang-format on

namespace aethex::actors {

#define AETHEX_DECLARE_MODULE(name) std::unique_ptr<domain_module> name##_module();
AETHEX_MODULES(AETHEX_DECLARE_MODULE)
#undef AETHEX_DECLARE_MODULE

module_list all_modules() {
  module_list modules;
#define AETHEX_ADD_MODULE(name) modules.push_back(name##_module());
  AETHEX_MODULES(AETHEX_ADD_MODULE)
#undef AETHEX_ADD_MODULE
  return modules;
}

console::adapter_table console::default_adapters() {
  adapter_table adapters;
  for (auto& module : all_modules())
    module->add_console(adapters);
  return adapters;
}

}  // namespace aethex::actors
