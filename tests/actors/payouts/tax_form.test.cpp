// Tax forms: validated, stored encrypted (the RocksDB files never hold the TIN or the name),
// masked on read, the key file created 0600, and rotation: a second key line keeps the old form
// readable and the next write uses the new version.
#include <sys/stat.h>

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/payouts/payouts.hpp"
#include "actors/payouts/tax_vault.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/api_node.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto owner = runtime::principal::user("alice");

json jane_w9() {
  return json{{"form", "W-9"},
              {"legal_name", "Jane Doe"},
              {"tin", "123456789"},
              {"address", "1 Main St, Springfield"},
              {"country", "US"},
              {"signature_name", "Jane Doe"},
              {"signed_at", "2026-12-01"}};
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a tax form is validated, stored encrypted, masked on read; keys rotate") {
  test::api_node node{{"payouts", "channel"}, {}};
  REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, owner,
                                std::string{"Alice"}));
  CHECK(node.call(get, "channels/alice/tax-form", owner).body == json{{"on_file", false}});

  auto bad = [&](json form) {
    return node.call(put, "channels/alice/tax-form", owner, form).error;
  };
  auto form = jane_w9();
  form["tin"] = "12345678";
  CHECK(bad(form) == errc::invalid_argument);
  form = jane_w9();
  form["form"] = "W-4";
  CHECK(bad(form) == errc::invalid_argument);
  form = jane_w9();
  form["country"] = "DE";  // a W-9 is for US persons
  CHECK(bad(form) == errc::invalid_argument);
  form = jane_w9();
  form["signed_at"] = "yesterday";
  CHECK(bad(form) == errc::invalid_argument);
  CHECK(
    node.call(put, "channels/alice/tax-form", runtime::principal::user("bob"), jane_w9()).error ==
    errc::forbidden);

  auto filed = node.call(put, "channels/alice/tax-form", owner, jane_w9());
  REQUIRE(filed.status == 200);
  auto shown = node.call(get, "channels/alice/tax-form", owner).body;
  CHECK(shown["on_file"] == true);
  CHECK(shown["form"] == "W-9");
  CHECK(shown["legal_name"] == "J*** D**");
  CHECK(shown["tin_last4"] == "6789");
  CHECK(shown["key_version"] == 1);
  CHECK_FALSE(contains(shown.dump(), "12345"));

  // The key file: beside the data folder, owner-only.
  auto key_file = tax_vault::key_file_for({}, node.config.data_dir);
  struct stat info {};
  REQUIRE(::stat(key_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  for (auto& e : node.store->read_stream("payouts/alice", 1)) {
    CHECK_FALSE(contains(e.data.payload, "123456789"));
    CHECK_FALSE(contains(e.data.payload, "Jane"));
  }

  // Rotation: a second line. The v1 form still reads; the next write uses v2.
  std::ofstream{key_file, std::ios::app} << "v2 " << std::string(64, 'a') << "\n";
  shown = node.call(get, "channels/alice/tax-form", owner).body;
  CHECK(shown["key_version"] == 1);
  CHECK(shown["tin_last4"] == "6789");
  auto w8 = json{{"form", "W-8BEN"},
                 {"legal_name", "Jane Doe"},
                 {"foreign_tin", "DE-99887766"},
                 {"address", "Hauptstr. 1, Berlin"},
                 {"country", "DE"},
                 {"signature_name", "Jane Doe"},
                 {"signed_at", "2026-12-02"}};
  REQUIRE(node.call(put, "channels/alice/tax-form", owner, w8).status == 200);
  shown = node.call(get, "channels/alice/tax-form", owner).body;
  CHECK(shown["key_version"] == 2);
  CHECK(shown["form"] == "W-8BEN");
  CHECK(shown["tin_last4"] == "7766");
}

TEST_CASE("the RocksDB files of a filed tax form hold neither the TIN nor the name") {
  auto dir = std::filesystem::temp_directory_path() /
             ("aethex-taxform-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  payout_settings settings;
  settings.tax_key_file = dir / "tax-key";
  {
    auto store = storage::event_store::open(dir / "events");
    caf::actor_system_config cfg;
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    runtime::entity_kinds kinds;
    add_payouts_kind(kinds, *store, runtime::system_clock(), settings);
    auto registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    auto filed = test::ask_entity<std::string>(self, registry, "payouts", "alice",
                                               tax_form_put_atom::value, jane_w9().dump());
    REQUIRE(filed);
    auto read = test::ask_entity<std::string>(self, registry, "payouts", "alice",
                                              tax_form_get_atom::value);
    REQUIRE(read);
    CHECK(json::parse(*read)["tin_last4"] == "6789");
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
  }
  std::size_t bytes = 0;
  for (auto& entry : std::filesystem::recursive_directory_iterator(dir / "events")) {
    if (!entry.is_regular_file())
      continue;
    std::ifstream in{entry.path(), std::ios::binary};
    std::string data{std::istreambuf_iterator<char>{in}, {}};
    bytes += data.size();
    CHECK_FALSE(contains(data, "123456789"));
    CHECK_FALSE(contains(data, "Jane Doe"));
    CHECK_FALSE(contains(data, "Springfield"));
  }
  CHECK(bytes > 0);
  std::filesystem::remove_all(dir);
}
