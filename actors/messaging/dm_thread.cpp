#include "actors/messaging/dm_thread.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"
#include "runtime/limits.hpp"

namespace aethex::actors {

std::string dm_thread_id(std::string_view one, std::string_view other) {
  auto [first, second] = std::minmax(one, other);
  return std::string{first} + "." + std::string{second};
}

std::optional<std::pair<std::string, std::string>> dm_participants(std::string_view thread) {
  auto dot = thread.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == thread.size() ||
      thread.find('.', dot + 1) != std::string_view::npos)
    return std::nullopt;
  auto first = thread.substr(0, dot);
  auto second = thread.substr(dot + 1);
  if (first >= second)  // names in order, two different users
    return std::nullopt;
  return std::pair{std::string{first}, std::string{second}};
}

namespace {

using json = nlohmann::json;

struct dm_sent {
  static constexpr std::string_view type = "dm.sent";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;  // what the state counts too; stored for the read models
  std::string from;
  std::string text;
};
struct dm_read {
  static constexpr std::string_view type = "dm.read";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::uint64_t up_to = 0;
};
void to_json(json& j, const dm_sent& e) {
  j = json{{"id", e.id}, {"from", e.from}, {"text", e.text}};
}
void from_json(const json& j, dm_sent& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.from = j.value("from", "");
  e.text = j.value("text", "");
}
void to_json(json& j, const dm_read& e) { j = json{{"user", e.user}, {"up_to", e.up_to}}; }
void from_json(const json& j, dm_read& e) {
  e.user = j.value("user", "");
  e.up_to = j.value("up_to", std::uint64_t{0});
}

struct dm_state {
  static constexpr std::string_view kind = "dm";
  static inline const char* name = "dm_thread";
  using events = event_list<dm_sent, dm_read>;

  dm_thread_view view;
  std::string first, second;
  std::optional<runtime::window_limiter> limiter;

  std::uint64_t* read_mark(std::string_view user) {
    if (user == first)
      return &view.read_first;
    if (user == second)
      return &view.read_second;
    return nullptr;
  }
  void apply(const dm_sent& e, const event_meta&) {
    ++view.messages;
    // Writing answers everything before: the sender has read the thread up to their message.
    if (auto* mark = read_mark(e.from))
      *mark = view.messages;
  }
  void apply(const dm_read& e, const event_meta&) {
    if (auto* mark = read_mark(e.user))
      *mark = std::max(*mark, e.up_to);
  }
  std::string snapshot() const {
    return json::array({view.messages, view.read_first, view.read_second}).dump();
  }
  void restore(const std::string& text) {
    auto numbers = json::parse(text);
    view.messages = numbers.at(0).get<std::uint64_t>();
    view.read_first = numbers.at(1).get<std::uint64_t>();
    view.read_second = numbers.at(2).get<std::uint64_t>();
  }
};

using dm_actor = caf::stateful_actor<event_sourced<dm_state>>;

constexpr std::uint64_t dm_snapshot_every = 64;

caf::behavior dm_behavior(dm_actor* self, caf::actor registry, storage::event_store* store,
                          std::string thread, const runtime::clock* clock) {
  auto& st = self->state;
  st.view.thread = thread;
  // The participants first: replaying the events needs them.
  auto participants = dm_participants(thread);
  if (participants) {
    st.first = participants->first;
    st.second = participants->second;
  }
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = dm_snapshot_every;
  if (auto err = st.activate(self, *store, thread, opts))
    return st.refuse(self, std::move(err));
  // Refused once activated (refuse needs the registry to passivate): an id that is not two
  // users in order names no conversation.
  if (!participants)
    return st.refuse(self, make_error(errc::not_found, "no such conversation"));
  st.limiter.emplace(runtime::window_limiter::options{dm_rate_limit, dm_rate_window, 2},
                     clock->steady_fn());
  return {
    [self](dm_send_atom, const std::string& from,
           const std::string& text) -> caf::result<dm_message> {
      auto& st = self->state;
      st.touch();
      if (!st.read_mark(from))
        return make_error(errc::forbidden, "not your conversation");
      auto length = utf8_length(text);
      if (length == 0 || text.find_first_not_of(" \t\r\n") == std::string::npos)
        return make_error(errc::invalid_argument, "the message is empty");
      if (length > max_dm_length)
        return make_error(errc::invalid_argument,
                          "messages are at most " + std::to_string(max_dm_length) + " characters");
      if (auto wait = st.limiter->admit(from); wait > 0)
        return make_error(errc::rate_limited, "you are sending messages too fast", "slow_down",
                          wait);
      auto at = st.clock().now_ms();
      if (auto err = st.emit_at(at, dm_sent{st.view.messages + 1, from, text}))
        return err;
      return dm_message{st.view.messages, from, from == st.first ? st.second : st.first, text, at};
    },
    [self](dm_read_atom, const std::string& user,
           std::uint64_t up_to) -> caf::result<std::uint64_t> {
      auto& st = self->state;
      st.touch();
      auto* mark = st.read_mark(user);
      if (!mark)
        return make_error(errc::forbidden, "not your conversation");
      up_to = up_to == 0 ? st.view.messages : std::min(up_to, st.view.messages);
      if (up_to <= *mark)
        return *mark;
      if (auto err = st.emit(dm_read{user, up_to}))
        return err;
      return *mark;
    },
    [self](get_atom) -> dm_thread_view { return self->state.answer_read(self, self->state.view); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_dm_thread_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock) {
  kinds.factories["dm"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                           const std::string& thread) {
    return sys.spawn(dm_behavior, registry, &store, thread, &clock);
  };
}

}  // namespace aethex::actors
