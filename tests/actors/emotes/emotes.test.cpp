// emotes/<channel> and emote_image/<c>.<id> over a real registry and store: every limit with its
// error code, the list and its frame to viewers, images stored and erased, delete and takedown
// (the image barred afterwards), the state after a restart, and the chat room taking the
// channel's emotes as emotes in emote-only mode.
#include "actors/emotes/emotes.hpp"

#include <doctest/doctest.h>

#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/emotes/emote_images.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using test::gif;
using test::png;

namespace {

struct emotes_fixture {
  test::entity_fixture f;

  caf::expected<json> add(const std::string& code, const std::string& bytes) {
    auto text = f.ask<std::string>("emotes", "alice", emote_add_atom::value, code, bytes,
                                   std::string{"alice"});
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  errc refusal(const std::string& code, const std::string& bytes) {
    auto r = add(code, bytes);
    REQUIRE_FALSE(r);
    return code_of(r.error());
  }
  json list() {
    auto text = f.ask<std::string>("emotes", "alice", emote_list_atom::value);
    REQUIRE(text);
    return json::parse(*text);
  }
  caf::expected<std::string> image(const std::string& id) {
    return f.ask<std::string>("emote_image", emote_image_entity("alice", id),
                              emote_image_atom::value);
  }
};

}  // namespace

TEST_CASE("an emote is added with what the list shows, and its image is served") {
  emotes_fixture e;
  auto bytes = png(56, 56);
  auto added = e.add("aethexHype", bytes);
  REQUIRE(added);
  CHECK((*added)["code"] == "aethexHype");
  CHECK((*added)["format"] == "png");
  CHECK((*added)["width"] == 56);
  CHECK((*added)["bytes"] == bytes.size());
  CHECK((*added)["added_by"] == "alice");
  auto id = (*added)["id"].get<std::string>();
  CHECK(id == emote_image_id(bytes));
  CHECK((*added)["url"] == "/api/v1/emotes/alice/" + id);
  auto list = e.list();
  REQUIRE(list["emotes"].size() == 1);
  CHECK(list["emotes"][0] == *added);
  CHECK(list["limits"]["max_emotes"] == 50);
  auto image = e.image(id);
  REQUIRE(image);
  CHECK(*image == "png\n" + bytes);

  auto animated = e.add("aethexDance", gif(112, 60));
  REQUIRE(animated);
  CHECK((*animated)["format"] == "gif");
  CHECK((*animated)["frames"] == 60);

  e.f.restart();
  CHECK(e.list()["emotes"].size() == 2);
  CHECK(e.image(id));
}

TEST_CASE("every limit of a code and an image has its error") {
  emotes_fixture e;
  auto ok = png(28, 28);
  CHECK(e.refusal("ab", ok) == errc::invalid_argument);                  // too short
  CHECK(e.refusal(std::string(26, 'a'), ok) == errc::invalid_argument);  // too long
  CHECK(e.refusal("bad-code", ok) == errc::invalid_argument);            // a character
  CHECK(e.refusal("heart", ok) == errc::invalid_argument);               // built-in
  auto profane = e.add("bigShitEnergy", ok);                             // AutoMod's list
  REQUIRE_FALSE(profane);
  CHECK(reason_of(profane.error()) == "emote_code_not_allowed");
  CHECK(e.refusal("plain", std::string{"<svg/>"}) == errc::unsupported_media_type);
  CHECK(e.refusal("plain", png(56, 48)) == errc::invalid_argument);    // not square
  CHECK(e.refusal("plain", png(27, 27)) == errc::invalid_argument);    // too small
  CHECK(e.refusal("plain", png(113, 113)) == errc::invalid_argument);  // too large
  CHECK(e.refusal("plain", gif(56, 61)) == errc::invalid_argument);    // too many frames
  CHECK(e.refusal("plain", png(56, 56, 256 * 1024)) == errc::payload_too_large);
  CHECK(e.refusal("plain", png(56, 56).substr(0, 40)) == errc::invalid_argument);  // truncated
  CHECK(e.list()["emotes"].empty());

  REQUIRE(e.add("first", ok));
  CHECK(e.refusal("first", png(28, 28, 16, 'y')) == errc::conflict);  // code taken
  CHECK(e.refusal("second", ok) == errc::conflict);                   // same image
  CHECK(e.add("First", png(28, 28, 16, 'y')));                        // codes are case-sensitive
}

TEST_CASE("a channel holds at most 50 emotes and 4 MiB of images") {
  emotes_fixture e;
  for (int i = 0; i < 50; ++i)
    REQUIRE(e.add("emote" + std::to_string(i), png(28, 28, 16 + static_cast<std::size_t>(i))));
  CHECK(e.refusal("emote50", png(28, 28, 100)) == errc::conflict);
  auto list = e.list();
  REQUIRE(list["emotes"].size() == 50);

  emotes_fixture big;
  auto gif_of = [](char seed) {
    auto g = gif(112, 1, seed);
    // Grow the image's data to ~500 KiB with sub-blocks of 255 bytes before the trailer.
    std::string blocks;
    for (int i = 0; i < 2000; ++i)
      blocks += std::string{"\xff"} + std::string(255, 'z');
    g.insert(g.size() - 2, blocks);  // before the image data's terminator and the trailer
    return g;
  };
  for (char seed = 'a'; seed < 'a' + 8; ++seed)
    REQUIRE(big.add(std::string{"huge_"} + seed, gif_of(seed)));
  CHECK(big.refusal("huge_i", gif_of('i')) == errc::conflict);  // 8 x 500 KiB: full
}

TEST_CASE("delete and takedown remove an emote and stop serving its image; a takedown bars it") {
  emotes_fixture e;
  auto bytes = png(56, 56);
  auto added = e.add("aethexHype", bytes);
  REQUIRE(added);
  auto id = (*added)["id"].get<std::string>();

  auto del = e.f.ask<std::string>("emotes", "alice", emote_delete_atom::value,
                                  std::string{"aethexHype"}, std::string{"alice"});
  REQUIRE(del);
  CHECK(json::parse(*del)["deleted"] == "aethexHype");
  CHECK(e.list()["emotes"].empty());
  auto gone = e.image(id);
  REQUIRE_FALSE(gone);
  CHECK(code_of(gone.error()) == errc::not_found);
  auto missing = e.f.ask<std::string>("emotes", "alice", emote_delete_atom::value,
                                      std::string{"aethexHype"}, std::string{"alice"});
  REQUIRE_FALSE(missing);
  CHECK(code_of(missing.error()) == errc::not_found);

  REQUIRE(e.add("aethexHype", bytes));  // deleted by its owner: may come back
  CHECK(e.image(id));
  auto down = e.f.ask<std::string>("emotes", "alice", emote_takedown_atom::value,
                                   std::string{"aethexHype"}, std::string{"rule 3"});
  REQUIRE(down);
  CHECK(e.list()["emotes"].empty());
  CHECK_FALSE(e.image(id));
  CHECK(e.refusal("anotherName", bytes) == errc::conflict);  // barred on this channel
  e.f.restart();
  CHECK(e.refusal("anotherName", bytes) == errc::conflict);
}

TEST_CASE("viewers get the list on every change; emote-only mode takes the channel's emotes") {
  emotes_fixture e;
  REQUIRE(e.f.ask<std::string>("channel", "alice", create_atom::value,
                               runtime::principal::user("alice"), std::string{"Alice"}));
  caf::scoped_actor viewer{e.f.sys};
  REQUIRE(test::ask_entity<std::string>(viewer, e.f.registry, "chat", "alice", chat_sub_atom::value,
                                        caf::actor{viewer}));
  REQUIRE(e.add("aethexHype", png(56, 56)));
  json frame;
  for (bool waiting = true; waiting && frame.is_null();)
    viewer->receive(
      [&](chat_deliver_atom, const std::string& text) {
        auto f = json::parse(text);
        if (f["type"] == "emotes")
          frame = f;
      },
      caf::after(5s) >> [&] { waiting = false; });
  REQUIRE(frame["emotes"].size() == 1);
  CHECK(frame["emotes"][0]["code"] == "aethexHype");

  chat_settings_patch emote_only;
  emote_only.emote_only = 1;
  auto set = e.f.ask<chat_ack>("chat", "alice", chat_set_atom::value,
                               runtime::principal::user("alice"), emote_only);
  REQUIRE(set);
  auto send = [&](const std::string& text) {
    return e.f.ask<chat_ack>("chat", "alice", chat_send_atom::value,
                             runtime::principal::user("bob"), text);
  };
  CHECK(send(":aethexHype: :heart:"));
  CHECK_FALSE(send(":aethexhype:"));  // codes are case-sensitive
  e.f.restart();                      // the room keeps the codes it was told
  CHECK(send(":aethexHype:"));
}
