// The node's read models report, after each committed batch, the entity kinds whose events they
// applied: what invalidates the API response cache here and on the other members.
#include "net/app/read_models.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <unistd.h>

#include "actors/channel/channel_directory.hpp"
#include "actors/modules.hpp"

using namespace aethex;

TEST_CASE("read models report the kinds of the events each batch applied") {
  auto dir = std::filesystem::temp_directory_path() /
             ("aethex-read-models-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = storage::event_store::open(dir / "events");
    auto modules = actors::all_modules();
    app::read_models models{*store, dir, modules};
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::string> kinds;
    models.on_change([&](const std::vector<std::string>& batch) {
      std::lock_guard lock{mutex};
      kinds.insert(batch.begin(), batch.end());
      changed.notify_all();
    });
    auto append = [&](const std::string& stream, const std::string& type, std::string payload) {
      std::vector<storage::event> events{{type, 1, 1000, std::move(payload)}};
      REQUIRE(store->append(stream, storage::no_stream, events));
      models.notify();
    };
    append("channel/alpha", "channel.created", R"({"name":"alpha","title":"Alpha"})");
    append("follows/bob", "follow.started", R"({"channel":"alpha"})");
    std::unique_lock lock{mutex};
    CHECK(changed.wait_for(lock, std::chrono::seconds(5), [&] {
      return kinds == std::set<std::string>{"channel", "follows"};
    }));
    lock.unlock();
    // By the time the kinds are reported, the query connection sees the rows.
    auto page = models.query("channel.directory", {{"limit", 10}},
                             [](std::string_view, std::string_view) { return true; });
    REQUIRE(page);
    REQUIRE(page->size() == 1);
    CHECK((*page)[0]["name"] == "alpha");
    // The observer is internal: the lag report lists the modules' projections only.
    for (auto& [name, lag] : models.projection_lag(store->global_head()))
      CHECK(name != "changed_kinds");
    models.on_change(nullptr);
  }
  std::filesystem::remove_all(dir);
}
