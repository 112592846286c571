// webinar/<id> over a real registry and store with a manual clock: the fields' limits, updates
// and deletion, registration (its 10 000 bound), who may watch, ask, moderate and present
// (public and registered access, presenters), slides (an upload's render reported back, the page
// a presenter shows, stale reports ignored), the same state after a restart, and the read model
// that maps slide changes onto a VOD's timeline.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/webinars/webinar.hpp"
#include "actors/webinars/webinars.hpp"
#include "actors/webinars/webinars_projection.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct webinar_fixture {
  test::entity_fixture f{{.manual_clock = true}};
  std::string id = "0123456789ab";

  template <class... Ts>
  caf::expected<json> ask(Ts... xs) {
    auto text = f.ask<std::string>("webinar", id, xs...);
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> create(json body, std::string channel = "alice") {
    return ask(webinar_create_atom::value, channel, std::string{"alice"}, body.dump());
  }
  caf::expected<json> get() { return ask(webinar_get_atom::value); }
  caf::expected<json> access(runtime::principal who) {
    return ask(webinar_access_atom::value, who);
  }
  caf::expected<json> page(std::int64_t p) {
    return ask(webinar_page_atom::value, std::string{"alice"}, p);
  }
  caf::expected<std::uint32_t> upload() {
    return f.ask<std::uint32_t>("webinar", id, webinar_upload_atom::value, std::string{"alice"});
  }
  // The renderer's reports: fire and forget, as the renderer sends them.
  template <class... Ts>
  void report(Ts... xs) {
    caf::anon_send(f.registry, route_atom::value, std::string{"webinar"}, id,
                   caf::make_message(xs...));
  }
};

errc webinar_code(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

json basic(std::int64_t starts) {
  return json{{"title", "Intro to CAF"}, {"starts_at_ms", starts}, {"duration_min", 45}};
}

}  // namespace

TEST_CASE("a webinar's fields are checked and it can be changed and deleted") {
  webinar_fixture w;
  auto t0 = w.f.clock.now_ms();
  CHECK(webinar_code(w.get()) == errc::not_found);
  CHECK(webinar_code(w.create(json{{"starts_at_ms", t0}})) == errc::invalid_argument);
  CHECK(webinar_code(w.create(json{{"title", ""}, {"starts_at_ms", t0}})) ==
        errc::invalid_argument);
  CHECK(webinar_code(w.create(json{{"title", std::string(201, 'x')}, {"starts_at_ms", t0}})) ==
        errc::invalid_argument);
  CHECK(webinar_code(w.create(json{{"title", "x"}})) == errc::invalid_argument);
  auto with = [&](const char* key, json value) {
    auto body = basic(t0);
    body[key] = value;
    return w.create(body);
  };
  CHECK(webinar_code(with("duration_min", 0)) == errc::invalid_argument);
  CHECK(webinar_code(with("duration_min", 1441)) == errc::invalid_argument);
  CHECK(webinar_code(with("access", "secret")) == errc::invalid_argument);
  CHECK(webinar_code(with("timezone", "Europe/Berlin; DROP")) == errc::invalid_argument);
  CHECK(webinar_code(with("presenters", json::array({"ok", "no spaces"}))) ==
        errc::invalid_argument);
  CHECK(webinar_code(with("colour", "red")) == errc::invalid_argument);
  CHECK(webinar_code(with("description", std::string(5001, 'd'))) == errc::invalid_argument);

  auto body = basic(t0 + 60'000);
  body["presenters"] = json::array({"Bob", "bob", "carol"});
  body["timezone"] = "Europe/Berlin";
  auto created = w.create(body);
  REQUIRE(created);
  CHECK((*created)["id"] == w.id);
  CHECK((*created)["channel"] == "alice");
  CHECK((*created)["title"] == "Intro to CAF");
  CHECK((*created)["presenters"] == json::array({"bob", "carol"}));
  CHECK((*created)["access"] == "public");
  CHECK((*created)["slides"].is_null());
  CHECK((*created)["live"] == false);
  CHECK(webinar_code(w.create(body)) == errc::conflict);

  w.f.clock.advance(std::chrono::minutes(2));
  CHECK((*w.get())["live"] == true);
  auto changed = w.ask(webinar_update_atom::value, std::string{"alice"},
                       json{{"title", "CAF in depth"}, {"access", "registered"}}.dump());
  REQUIRE(changed);
  CHECK((*changed)["title"] == "CAF in depth");
  CHECK((*changed)["access"] == "registered");
  CHECK((*changed)["duration_min"] == 45);
  CHECK(webinar_code(w.ask(webinar_update_atom::value, std::string{"alice"},
                           json{{"title", 5}}.dump())) == errc::invalid_argument);
  CHECK((*w.get())["title"] == "CAF in depth");

  auto gone = w.ask(webinar_delete_atom::value, std::string{"alice"});
  REQUIRE(gone);
  CHECK((*gone)["deleted"] == w.id);
  CHECK(webinar_code(w.get()) == errc::not_found);
  CHECK(webinar_code(w.page(1)) == errc::not_found);
}

TEST_CASE("registration is bounded and decides who watches a registered webinar") {
  webinar_fixture w;
  auto body = basic(w.f.clock.now_ms());
  body["access"] = "registered";
  body["presenters"] = json::array({"pat"});
  REQUIRE(w.create(body));
  auto user = runtime::principal::user;

  auto outsider = *w.access(user("dave"));
  CHECK(outsider["watch"] == false);
  CHECK(outsider["ask"] == false);
  CHECK(outsider["moderate"] == false);
  auto anon = *w.access(runtime::principal::anonymous());
  CHECK(anon["watch"] == false);
  auto presenter = *w.access(user("pat"));
  CHECK(presenter["watch"] == true);
  CHECK(presenter["present"] == true);
  CHECK(presenter["moderate"] == true);
  CHECK(presenter["manage"] == false);
  auto admin = *w.access(runtime::principal::admin());
  CHECK(admin["manage"] == true);

  auto reg = w.ask(webinar_register_atom::value, std::string{"dave"}, true);
  REQUIRE(reg);
  CHECK((*reg)["registrations"] == 1);
  CHECK((*reg)["registered"] == true);
  CHECK((*w.ask(webinar_register_atom::value, std::string{"dave"}, true))["registrations"] == 1);
  auto dave = *w.access(user("dave"));
  CHECK(dave["watch"] == true);
  CHECK(dave["ask"] == true);
  CHECK(dave["registered"] == true);
  CHECK(dave["moderate"] == false);
  CHECK((*w.ask(webinar_register_atom::value, std::string{"dave"}, false))["registrations"] == 0);
  CHECK((*w.access(user("dave")))["watch"] == false);
  CHECK(webinar_code(w.ask(webinar_register_atom::value, std::string{}, true)) ==
        errc::invalid_argument);

  for (std::size_t i = 0; i < webinar_limits::registrations_max; ++i)
    REQUIRE(w.ask(webinar_register_atom::value, "u" + std::to_string(i), true));
  CHECK((*w.get())["registrations"] == webinar_limits::registrations_max);
  CHECK(webinar_code(w.ask(webinar_register_atom::value, std::string{"late"}, true)) ==
        errc::conflict);
  // A restart replays (or restores) every registration.
  w.f.restart();
  CHECK((*w.get())["registrations"] == webinar_limits::registrations_max);
  CHECK((*w.access(user("u9999")))["watch"] == true);
}

TEST_CASE("the access rules of a public webinar") {
  webinar_record w;
  w.presenters = {"pat"};
  auto a = access_of(w, "", false, false, "", false);
  CHECK(a.watch);
  CHECK_FALSE(a.ask);
  a = access_of(w, "viewer", true, false, "", false);
  CHECK(a.watch);
  CHECK(a.ask);
  CHECK_FALSE(a.moderate);
  a = access_of(w, "mod", true, false, "moderator", false);
  CHECK(a.moderate);
  CHECK_FALSE(a.present);
  a = access_of(w, "ed", true, false, "editor", false);
  CHECK(a.manage);
  CHECK(a.present);
  a = access_of(w, "inst", true, false, "", true);
  CHECK(a.manage);
}

TEST_CASE("slides: an upload's render is reported back and the presenter shows pages") {
  webinar_fixture w;
  REQUIRE(w.create(basic(w.f.clock.now_ms())));
  CHECK(webinar_code(w.page(1)) == errc::conflict);
  auto first = w.upload();
  REQUIRE(first);
  CHECK(*first == 1u);
  auto rendering = *w.get();
  CHECK(rendering["slides"]["rendering"] == true);
  CHECK(rendering["slides"]["pages"] == 0);
  w.report(slide_progress_atom::value, 1u, 2u, 3u);
  w.report(slide_done_atom::value, 1u, 3u, std::string{"node-a"});
  auto done = *w.get();
  CHECK(done["slides"]["rendering"] == false);
  CHECK(done["slides"]["pages"] == 3);
  CHECK(done["slides"]["rendered"] == 3);
  CHECK(done["slides"]["current"] == 1);

  CHECK(webinar_code(w.page(0)) == errc::invalid_argument);
  CHECK(webinar_code(w.page(4)) == errc::invalid_argument);
  w.f.clock.advance(std::chrono::seconds(5));
  auto shown = w.page(3);
  REQUIRE(shown);
  CHECK((*shown)["slides"]["current"] == 3);

  // A second upload: a report of the first is stale and changes nothing; a failure is kept.
  CHECK(*w.upload() == 2u);
  w.report(slide_done_atom::value, 1u, 9u, std::string{"node-a"});
  w.report(slide_failed_atom::value, 2u, std::string{"page 2 cannot be rendered"});
  auto failed = *w.get();
  CHECK(failed["slides"]["rendering"] == false);
  CHECK(failed["slides"]["error"] == "page 2 cannot be rendered");
  CHECK(failed["slides"]["upload"] == 2);

  w.f.restart();
  auto back = *w.get();
  CHECK(back["slides"]["error"] == "page 2 cannot be rendered");
  CHECK(back["slides"]["current"] == 3);
  CHECK(back["title"] == "Intro to CAF");
}

TEST_CASE("the read model maps slide changes onto a VOD's window") {
  webinar_fixture w;
  auto t0 = w.f.clock.now_ms();
  REQUIRE(w.create(basic(t0)));
  REQUIRE(w.upload());
  w.report(slide_done_atom::value, 1u, 5u, std::string{"node-a"});
  REQUIRE(w.get());
  REQUIRE(w.page(2));  // t0
  w.f.clock.advance(std::chrono::seconds(30));
  REQUIRE(w.page(3));  // t0 + 30 s
  w.f.clock.advance(std::chrono::seconds(30));
  REQUIRE(w.page(5));  // t0 + 60 s

  auto folder = std::filesystem::temp_directory_path() /
                ("aethex-webinar-slides-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  {
    storage::projection_runner runner{w.f.events(), folder / "read.db"};
    runner.add(std::make_unique<webinars_projection>());
    runner.catch_up();
    auto all = [](std::string_view, std::string_view) { return true; };
    // A recording that began 10 s after the first change: that page leads (at its own time).
    auto rows = webinar_slides_rows(
      runner.db(), json{{"channel", "alice"}, {"from_ms", t0 + 10'000}, {"to_ms", t0 + 45'000}},
      all);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["page"] == 2);
    CHECK(rows[0]["at_ms"] == t0);
    CHECK(rows[1]["page"] == 3);
    CHECK(rows[1]["at_ms"] == t0 + 30'000);
    CHECK(rows[1]["webinar"] == w.id);
    CHECK(webinar_slides_rows(runner.db(), json{{"webinar", w.id}}, all).size() == 3);
    CHECK(webinar_slides_rows(runner.db(),
                              json{{"channel", "bob"}, {"from_ms", 0}, {"to_ms", t0 * 2}}, all)
            .empty());
    auto none = [](std::string_view, std::string_view) { return false; };
    CHECK(webinar_slides_rows(runner.db(), json{{"webinar", w.id}}, none).empty());
    auto listed = webinars_of_channel(runner.db(), json{{"channel", "alice"}, {"from_ms", t0}},
                                      all);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["title"] == "Intro to CAF");
    CHECK(webinars_of_channel(runner.db(),
                              json{{"channel", "alice"}, {"from_ms", t0 + 46 * 60'000}}, all)
            .empty());
    // A deleted webinar leaves the channel's list and its slides leave the timeline.
    REQUIRE(w.ask(webinar_delete_atom::value, std::string{"alice"}));
    runner.catch_up();
    CHECK(
      webinars_of_channel(runner.db(), json{{"channel", "alice"}, {"from_ms", t0}}, all).empty());
    CHECK(webinar_slides_rows(runner.db(),
                              json{{"channel", "alice"}, {"from_ms", t0}, {"to_ms", t0 * 2}}, all)
            .empty());
  }
  std::filesystem::remove_all(folder);
}
