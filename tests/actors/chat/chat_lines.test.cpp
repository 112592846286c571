// A room's group commit (actors/chat/chat_lines.cpp): a burst of lines costs few appends, keeps
// its order, ids and shown times across a restart, and items numbered by other writes follow it.
#include "tests/actors/chat/chat_fixture.hpp"

TEST_CASE("a burst of lines is written together: in order, each sender answered once durable") {
  auto opts = with_guests();
  opts.history = 400;
  chat_fixture f{opts};
  constexpr int lines = 300;
  const int appends_before = f.appends.load();
  // Every request goes out before the first answer is awaited: the room meets them as a burst.
  auto ask_room = [&](caf::message command) {
    return f.self->request(f.registry, 10s, route_atom::value, std::string{"chat"},
                           std::string{"alice"}, std::move(command));
  };
  auto id_of = [](auto& answer) {
    std::uint64_t id = 0;
    answer.receive([&](actors::chat_ack& ack) { id = ack.id; },
                   [&](caf::error& err) { FAIL("refused: " << message_of(err)); });
    return id;
  };
  std::vector<decltype(ask_room(caf::message{}))> pending;
  pending.reserve(lines);
  for (int i = 0; i < lines; ++i)
    pending.push_back(ask_room(caf::make_message(actors::chat_send_atom::value, who("alice"),
                                                 "line " + std::to_string(i))));
  std::vector<std::uint64_t> acked;
  acked.reserve(lines);
  for (auto& answer : pending)
    acked.push_back(id_of(answer));
  REQUIRE(acked.size() == lines);
  for (int i = 1; i < lines; ++i)
    CHECK(acked[i] == acked[i - 1] + 1);  // ids follow the order the room showed the lines
  const int appends = f.appends.load() - appends_before;
  MESSAGE(lines << " lines in " << appends << " appends");
  CHECK(appends < lines / 4);
  // Every acknowledged line is stored, in order, with the time it was shown.
  auto before = f.history();
  REQUIRE(before["messages"].size() == lines);
  CHECK(ids_of(before).front() == acked.front());
  CHECK(before["messages"].back()["text"] == "line " + std::to_string(lines - 1));
  f.restart();
  auto after = f.history();
  CHECK(ids_of(after) == ids_of(before));
  for (std::size_t i = 0; i < after["messages"].size(); ++i)
    CHECK(after["messages"][i]["ts"] == before["messages"][i]["ts"]);
  // A write that numbers its own item, met while a line waits, comes after it.
  auto line = ask_room(caf::make_message(actors::chat_send_atom::value, who("alice"),
                                         std::string{"one more"}));
  auto pin = ask_room(caf::make_message(actors::chat_mod_atom::value, who("alice"),
                                        actors::chat_command{"announce", "welcome", 0}));
  auto line_id = id_of(line);
  CHECK(id_of(pin) == line_id + 1);
}
