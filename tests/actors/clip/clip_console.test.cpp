// clip/<id> in the admin console: get, rename (as the admin, or --as a user the entity checks)
// and delete, which also tells the renderers to remove the file.
#include <doctest/doctest.h>

#include <mutex>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/clip/clip.hpp"
#include "actors/clip/internal.hpp"
#include "actors/console/console_service.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/console/console_run.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct console_fixture {
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;
  caf::actor console;
  std::shared_ptr<clip_console_slot> slot = std::make_shared<clip_console_slot>();
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> published;

  console_fixture() {
    runtime::entity_kinds kinds;
    add_clip_kind(kinds, *store);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    slot->publish = [this](std::string topic, std::string payload) {
      std::lock_guard lock{mutex};
      published.emplace_back(std::move(topic), std::move(payload));
    };
    console_config c;
    c.registry = registry;
    c.store = store.get();
    c.kinds = {"clip"};
    c.adapters.add(clip_adapter(slot));
    c.node = {"node-a", "127.0.0.1:8080", 1'000};
    console = spawn_console_service(sys, std::move(c));
  }
  ~console_fixture() { test::stop_console(self, console, registry); }

  caf::expected<json> run(std::vector<std::string> words) {
    return test::run_console(self, console, std::move(words));
  }
};

}  // namespace

TEST_CASE("the console shows, renames and deletes a clip") {
  console_fixture f;
  const std::string id = "c0ffee000001";
  json made{{"vod", "0123456789ab"}, {"channel", "alice"}, {"owner", "alice"}, {"creator", "bob"},
            {"title", "Ace"},        {"start_s", 3},       {"duration_s", 10}};
  f.self
    ->request(f.registry, std::chrono::seconds(10), route_atom::value, std::string{"clip"}, id,
              caf::make_message(create_atom::value, made.dump()))
    .receive([](clip_view&) {}, [](caf::error& err) { FAIL(message_of(err)); });

  auto shown = f.run({"ask", "clip/" + id, "get"});
  REQUIRE(shown);
  CHECK((*shown)["title"] == "Ace");
  CHECK((*shown)["state"] == "rendering");
  CHECK((*shown)["creator"] == "bob");

  auto renamed = f.run({"send", "clip/" + id, "rename", "Ace", "of", "spades"});
  REQUIRE(renamed);
  CHECK((*renamed)["title"] == "Ace of spades");
  auto refused = f.run({"send", "clip/" + id, "rename", "Mine", "--as", "mallory"});
  REQUIRE_FALSE(refused);
  CHECK(code_of(refused.error()) == errc::forbidden);
  CHECK(f.run({"send", "clip/" + id, "rename", "By", "the", "owner", "--as", "alice"}));

  auto deleted = f.run({"send", "clip/" + id, "delete"});
  REQUIRE(deleted);
  CHECK(*deleted == json{{"id", id}, {"deleted", true}});
  {
    std::lock_guard lock{f.mutex};
    REQUIRE(f.published.size() == 1);
    CHECK(f.published[0].first == service_names::clip_renderer);
    CHECK(json::parse(f.published[0].second) == json{{"delete", id}});
  }
  auto gone = f.run({"ask", "clip/" + id, "get"});
  REQUIRE_FALSE(gone);
  CHECK(code_of(gone.error()) == errc::not_found);
}
