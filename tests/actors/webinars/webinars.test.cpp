// webinar/<id> over a real registry and store with a manual clock: the fields' limits, updates
// and deletion, registration (its 10 000 bound), who may watch, ask, moderate and present
// (public and registered access, presenters), slides (an upload's render reported back, the page
// a presenter shows, stale reports ignored), the same state after a restart, and the read model
// that maps slide changes onto a VOD's timeline; the channel's recordings born private while an
// attendee-only webinar runs; the renderer answering another member's request for a page.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/vod/vod.hpp"
#include "actors/vod/vod_hold.hpp"
#include "actors/webinars/webinar.hpp"
#include "actors/webinars/webinars.hpp"
#include "actors/webinars/webinars_projection.hpp"
#include "media/slide_renderer.hpp"
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

TEST_CASE("a recording that starts during an attendee-only webinar is born private") {
  webinar_fixture w;
  auto t0 = w.f.clock.now_ms();
  auto registered = basic(t0);
  registered["access"] = "registered";
  REQUIRE(w.create(registered));
  auto record = [&](const std::string& vod, const std::string& channel, std::int64_t at) {
    vod_recording r;
    r.channel = channel;
    r.title = "live";
    r.node = "n1";
    r.started_at_ms = at;
    auto view = w.f.ask<vod_view>("vod", vod, vod_record_atom::value, r);
    REQUIRE(view);
    return view->privacy;
  };
  auto held = [&](const std::string& channel, std::int64_t at) {
    auto answer = w.f.ask<bool>("vodhold", channel, vod_held_atom::value, at);
    REQUIRE(answer);
    return *answer;
  };
  // Its window, from a while before the start (presenters go live early) to its end.
  CHECK(held("alice", t0));
  CHECK(held("alice", t0 - webinar_limits::vod_hold_early_ms));
  CHECK_FALSE(held("alice", t0 - webinar_limits::vod_hold_early_ms - 1));
  CHECK_FALSE(held("alice", t0 + 45 * 60'000));
  CHECK(record("aaaaaaaaaaa1", "alice", t0 + 1'000) == "private");
  // In the same append as its creation: the first event after vod.recorded hides it.
  auto stored = w.f.events().read_stream("vod/aaaaaaaaaaa1", 1, 10);
  REQUIRE(stored.size() >= 2);
  CHECK(stored[0].data.type == "vod.recorded");
  CHECK(stored[1].data.type == "vod.privacy_changed");
  CHECK(record("aaaaaaaaaaa2", "alice", t0 + 50 * 60'000) == "public");  // after it
  CHECK(record("aaaaaaaaaaa3", "bob", t0 + 1'000) == "public");          // another channel
  // A later report does not change the privacy it was born with.
  CHECK(record("aaaaaaaaaaa1", "alice", t0 + 1'000) == "private");

  // Kept across a restart; a public webinar holds nothing, nor does a deleted one.
  w.f.restart();
  CHECK(held("alice", t0 + 1'000));
  REQUIRE(w.ask(webinar_update_atom::value, std::string{"alice"},
                json{{"access", "public"}}.dump()));
  CHECK_FALSE(held("alice", t0 + 1'000));
  CHECK(record("aaaaaaaaaaa4", "alice", t0 + 2'000) == "public");
  REQUIRE(w.ask(webinar_update_atom::value, std::string{"alice"},
                json{{"access", "registered"}}.dump()));
  CHECK(held("alice", t0 + 1'000));
  REQUIRE(w.ask(webinar_delete_atom::value, std::string{"alice"}));
  CHECK_FALSE(held("alice", t0 + 1'000));
}

// The path another member of a cluster takes to a page rendered here: its node services hand
// the renderer a request on the renderer's topic (net/app/node_services.cpp delegates it).
TEST_CASE("a rendered slide page is served to another member's request on the renderer topic") {
  webinar_fixture w;
  REQUIRE(w.create(basic(w.f.clock.now_ms())));
  auto upload = w.upload();
  REQUIRE(upload);
  auto dir = std::filesystem::temp_directory_path() /
             ("aethex-slides-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto renderer = media::spawn_slide_renderer(w.f.sys, w.f.registry, dir, "member-a");
  std::ifstream in{std::string{AETHEX_SOURCE_DIR} + "/tests/e2e/support/webinar_slides.pdf",
                   std::ios::binary};
  std::string pdf{std::istreambuf_iterator<char>{in}, {}};
  auto ask = [&](auto... xs) {
    caf::expected<std::string> answer{std::string{}};
    w.f.self->request(renderer, std::chrono::seconds(30), xs...)
      .receive([&](std::string& png) { answer = std::move(png); },
               [&](caf::error& err) { answer = std::move(err); });
    return answer;
  };
  std::uint32_t pages = 0;
  w.f.self
    ->request(renderer, std::chrono::seconds(30), slide_render_atom::value, w.id, *upload, pdf)
    .receive([&](std::uint32_t n) { pages = n; }, [](caf::error&) {});
  REQUIRE(pages == 3);
  // The renderer reports the end to webinar/<id>, naming the member that holds the pages.
  auto rendered = [&] {
    auto s = (*w.get())["slides"];
    return s.is_object() && s["rendering"] == false && s["pages"] == 3;
  };
  for (int i = 0; i < 300 && !rendered(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(rendered());
  CHECK((*w.get())["slides"]["node"] == "member-a");
  auto request = [&](json image) {
    return ask(publish_atom::value, std::string{service_names::slide_renderer},
               json{{"image", image}}.dump());
  };
  auto remote = request(json{{"webinar", w.id}, {"upload", *upload}, {"page", 2}});
  REQUIRE(remote);
  auto local = ask(slide_image_atom::value, w.id, *upload, std::uint32_t{2});
  REQUIRE(local);
  CHECK(*remote == *local);
  CHECK(remote->compare(1, 3, "PNG") == 0);
  auto code = [](const caf::expected<std::string>& answer) {
    REQUIRE_FALSE(answer);
    return code_of(answer.error());
  };
  CHECK(code(request(json{{"webinar", w.id}, {"upload", *upload}, {"page", 4}})) ==
        errc::not_found);
  CHECK(code(request(json{{"webinar", "../../etc"}, {"upload", 1}, {"page", 1}})) ==
        errc::not_found);
  CHECK(code(request(json{{"webinar", w.id}, {"upload", -1}, {"page", 1}})) ==
        errc::invalid_argument);
  CHECK(code(ask(publish_atom::value, std::string{service_names::slide_renderer},
                 std::string{"not json"})) == errc::invalid_argument);
  caf::anon_send_exit(renderer, caf::exit_reason::user_shutdown);
  std::filesystem::remove_all(dir);
}
