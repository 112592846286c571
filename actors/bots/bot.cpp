#include "actors/bots/bot.hpp"

#include <chrono>
#include <deque>
#include <memory>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/bots/engine.hpp"
#include "actors/channel/channel.hpp"
#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/route.hpp"
#include "actors/social/follows.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace bot_ev {
struct script_set {
  static constexpr std::string_view type = "bot.script_set";
  static constexpr std::uint32_t schema = 1;
  std::string script;
  bool enabled = false;
};
struct command_set {
  static constexpr std::string_view type = "bot.command_set";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  std::string response;
  std::int64_t cooldown_s = 0;
  std::string level;
};
struct command_removed {
  static constexpr std::string_view type = "bot.command_removed";
  static constexpr std::uint32_t schema = 1;
  std::string name;
};
struct command_counted {
  static constexpr std::string_view type = "bot.command_counted";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  std::uint64_t count = 0;
};
struct script_stopped {
  static constexpr std::string_view type = "bot.script_stopped";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
};

void to_json(json& j, const script_set& e) {
  j = json{{"script", e.script}, {"enabled", e.enabled}};
}
void from_json(const json& j, script_set& e) {
  e.script = j.value("script", "");
  e.enabled = j.value("enabled", false);
}
void to_json(json& j, const command_set& e) {
  j = json{
    {"name", e.name}, {"response", e.response}, {"cooldown_s", e.cooldown_s}, {"level", e.level}};
}
void from_json(const json& j, command_set& e) {
  e.name = j.at("name").get<std::string>();
  e.response = j.value("response", "");
  e.cooldown_s = j.value("cooldown_s", std::int64_t{0});
  e.level = j.value("level", "everyone");
}
void to_json(json& j, const command_removed& e) { j = json{{"name", e.name}}; }
void from_json(const json& j, command_removed& e) { e.name = j.at("name").get<std::string>(); }
void to_json(json& j, const command_counted& e) { j = json{{"name", e.name}, {"count", e.count}}; }
void from_json(const json& j, command_counted& e) {
  e.name = j.at("name").get<std::string>();
  e.count = j.value("count", std::uint64_t{0});
}
void to_json(json& j, const script_stopped& e) { j = json{{"reason", e.reason}}; }
void from_json(const json& j, script_stopped& e) { e.reason = j.value("reason", ""); }
}  // namespace bot_ev

// The bot's own pace, beside the room's rules: at most this many messages per window.
constexpr std::size_t bot_posts_max = 20;
constexpr std::int64_t bot_posts_window_ms = 30'000;
constexpr std::size_t bot_pending_max = 64;  // chat lines waiting for the channel's state

struct bot_state {
  static constexpr std::string_view kind = "bot";
  using events = event_list<bot_ev::script_set, bot_ev::command_set, bot_ev::command_removed,
                            bot_ev::command_counted, bot_ev::script_stopped>;

  bots::bot_config config;
  std::deque<bots::log_entry> entries;  // newest first, bounded

  // Run time, never stored.
  std::unique_ptr<bots::engine> runner = std::make_unique<bots::engine>();
  bool listening = false;
  caf::actor_addr room;
  bool tick_armed = false;
  std::string owner;
  bool owner_is_admin = false;
  std::int64_t live_since_ms = 0;
  std::size_t pending = 0;
  std::deque<std::int64_t> posts_ms;

  // An enabled bot stays to hear its room.
  bool keep_active() const { return config.enabled; }

  void note(std::int64_t at_ms, std::string kind_, std::string text) {
    entries.push_front({at_ms, std::move(kind_), std::move(text)});
    if (entries.size() > bots::limits::log_max)
      entries.pop_back();
  }

  void apply(const bot_ev::script_set& e, const event_meta& meta) {
    config.script = e.script;
    config.enabled = e.enabled;
    config.stopped_reason.clear();
    note(meta.timestamp_ms, "saved", e.enabled ? "script saved, bot enabled" : "bot disabled");
  }
  void apply(const bot_ev::command_set& e, const event_meta&) {
    auto& c = config.commands[e.name];
    c.name = e.name;
    c.response = e.response;
    c.cooldown_s = e.cooldown_s;
    c.min_level = bots::parse_level(e.level).value_or(bots::level::everyone);
  }
  void apply(const bot_ev::command_removed& e, const event_meta&) { config.commands.erase(e.name); }
  void apply(const bot_ev::command_counted& e, const event_meta&) {
    if (auto it = config.commands.find(e.name); it != config.commands.end())
      it->second.count = e.count;
  }
  void apply(const bot_ev::script_stopped& e, const event_meta& meta) {
    config.stopped_reason = e.reason;
    note(meta.timestamp_ms, "stopped", "script stopped: " + e.reason);
  }

  std::string snapshot() const {
    auto commands = json::array();
    for (const auto& [name, c] : config.commands)
      commands.push_back({{"name", name},
                          {"response", c.response},
                          {"cooldown_s", c.cooldown_s},
                          {"level", bots::level_name(c.min_level)},
                          {"count", c.count}});
    return json{{"script", config.script},
                {"enabled", config.enabled},
                {"stopped_reason", config.stopped_reason},
                {"commands", commands}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    config.script = j.value("script", "");
    config.enabled = j.value("enabled", false);
    config.stopped_reason = j.value("stopped_reason", "");
    config.commands.clear();
    for (const auto& c : j.value("commands", json::array())) {
      auto& t = config.commands[c.at("name").get<std::string>()];
      t.name = c.at("name").get<std::string>();
      t.response = c.value("response", "");
      t.cooldown_s = c.value("cooldown_s", std::int64_t{0});
      t.min_level = bots::parse_level(c.value("level", "")).value_or(bots::level::everyone);
      t.count = c.value("count", std::uint64_t{0});
    }
  }
};

using bot_actor = caf::stateful_actor<event_sourced<bot_state>>;

constexpr std::uint64_t bot_snapshot_every = 256;

bots::host_view host_of(bot_actor* self) {
  auto& st = self->state;
  return bots::host_view{st.id(), st.clock().now_ms(), st.live_since_ms};
}

std::string bot_json(bot_actor* self) {
  auto& st = self->state;
  auto commands = json::array();
  for (const auto& [name, c] : st.config.commands)
    commands.push_back({{"name", name},
                        {"response", c.response},
                        {"cooldown_s", c.cooldown_s},
                        {"level", bots::level_name(c.min_level)},
                        {"count", c.count}});
  std::string status = !st.config.enabled                  ? "off"
                       : !st.config.stopped_reason.empty() ? "stopped"
                       : st.runner->script_running()       ? "running"
                                                           : "idle";
  return json{{"channel", st.id()},
              {"enabled", st.config.enabled},
              {"script", st.config.script},
              {"status", status},
              {"stopped_reason", st.config.stopped_reason},
              {"commands", commands},
              {"script_commands", st.runner->script_commands()},
              {"memory_bytes", st.runner->memory_used()}}
    .dump();
}

void post(bot_actor* self, const std::string& text) {
  auto& st = self->state;
  auto now = st.clock().now_ms();
  while (!st.posts_ms.empty() && st.posts_ms.front() <= now - bot_posts_window_ms)
    st.posts_ms.pop_front();
  if (st.posts_ms.size() >= bot_posts_max) {
    st.note(now, "error", "not sent (at most 20 messages per 30 s): " + text);
    return;
  }
  if (st.owner.empty() && !st.owner_is_admin) {
    st.note(now, "error", "not sent (the channel's owner is unknown): " + text);
    return;
  }
  st.posts_ms.push_back(now);
  // The broadcaster speaks through the built-in bot: the room adds the `bot` badge.
  auto who = st.owner_is_admin
               ? runtime::principal::admin()
               : runtime::principal::delegated_user(st.owner, std::string{scripted_bot_client},
                                                    {"chat:write"});
  who.via_app = std::string{scripted_bot_client};
  entity_ref<chat_protocol>{st.registry(), st.id()}
    .request(self, chat_send_atom::value, who, text)
    .then([](chat_ack&) {},
          [self](caf::error& err) {
            self->state.note(self->state.clock().now_ms(), "error",
                             "chat refused the message: " + message_of(err));
          });
}

void arm_tick(bot_actor* self);

void react(bot_actor* self, bots::reaction r) {
  auto& st = self->state;
  for (auto& e : r.log)
    if (e.kind != "stopped")  // bot.script_stopped's apply notes the stop (also after a restart)
      st.note(e.at_ms, std::move(e.kind), std::move(e.text));
  if (r.counted)
    if (auto it = st.config.commands.find(*r.counted); it != st.config.commands.end())
      (void)st.emit(bot_ev::command_counted{*r.counted, it->second.count + 1});
  if (r.stopped)
    (void)st.emit(bot_ev::script_stopped{*r.stopped});  // the apply notes it in the log
  for (const auto& text : r.say)
    post(self, text);
  arm_tick(self);
}

// Reads the channel's owner and live state, then runs `then` (also when the channel cannot be
// read: the bot answers with what it knew).
template <class Then>
void with_channel(bot_actor* self, Then then) {
  entity_ref<channel_protocol>{self->state.registry(), self->state.id()}
    .request(self, get_atom::value)
    .then(
      [self, then](channel_view& view) mutable {
        auto& st = self->state;
        st.owner = view.owner;
        st.owner_is_admin = view.owner_is_admin;
        st.live_since_ms = view.live ? view.started_at_ms : 0;
        then();
      },
      [then](caf::error&) mutable { then(); });
}

void arm_tick(bot_actor* self) {
  auto& st = self->state;
  if (st.tick_armed || !st.runner->next_timer_ms())
    return;
  st.tick_armed = true;
  // Real time between checks; whether a timer is due is read from the injected clock.
  self->delayed_send(self, 1s, bot_tick_atom::value);
}

void start_script(bot_actor* self) {
  auto& st = self->state;
  react(self, st.runner->start(st.config, host_of(self)));
}

// Subscribes to the room like a fan-out: the room then sends each frame once, never waiting.
void listen(bot_actor* self) {
  auto& st = self->state;
  if (st.listening || !st.config.enabled)
    return;
  st.listening = true;
  entity_ref<chat_protocol>{st.registry(), st.id()}
    .request(self, chat_sub_atom::value, caf::actor_cast<caf::actor>(self))
    .then(
      [self](std::string&) {
        if (auto room = self->current_sender()) {
          self->state.room = caf::actor_cast<caf::actor_addr>(room);
          self->monitor(caf::actor_cast<caf::actor>(room));
        }
      },
      [self](caf::error& err) {
        auto& st = self->state;
        st.listening = false;
        st.note(st.clock().now_ms(), "error", "cannot hear the chat: " + message_of(err));
        self->delayed_send(self, 10s, bot_wake_atom::value);
      });
}

// Answers one chat line with the channel's state read just before.
void answer_line(bot_actor* self, bots::chat_line line) {
  with_channel(self, [self, line = std::move(line)] {
    auto& st = self->state;
    --st.pending;
    react(self, st.runner->on_chat(st.config, line, host_of(self)));
  });
}

void on_frame(bot_actor* self, const std::string& frame) {
  auto& st = self->state;
  // Chat messages are {"type":"msg",…} (docs/chat-protocol.md); other frames are skipped unread.
  if (!st.config.enabled || frame.find("\"msg\"") == std::string::npos)
    return;
  auto j = json::parse(frame, nullptr, false);
  if (!j.is_object() || j.value("type", "") != "msg")
    return;
  std::vector<std::string> badges;
  for (const auto& b : j.value("badges", json::array()))
    if (b.is_string())
      badges.push_back(b.get<std::string>());
  if (std::find(badges.begin(), badges.end(), "bot") != badges.end())
    return;  // bots (this one included) are not answered: no loops
  bots::chat_line line{j.value("user", ""), j.value("text", ""), bots::level_of_badges(badges)};
  auto need = st.runner->required_level(st.config, line.text);
  if (!need && !st.runner->listens_to_chat())
    return;
  if (st.pending >= bot_pending_max) {
    st.note(st.clock().now_ms(), "error", "busy: a chat line was skipped");
    return;
  }
  ++st.pending;
  // "follower" is not a badge: ask the sender's follows when a command needs it.
  bool ask_follows = need && *need == bots::level::follower &&
                     line.sender < bots::level::follower && valid_channel_name(line.user);
  if (!ask_follows)
    return answer_line(self, std::move(line));
  entity_ref<follows_protocol>{st.registry(), line.user}
    .request(self, get_atom::value)
    .then(
      [self, line](follows_view& view) mutable {
        for (const auto& c : view.channels)
          if (c.channel == self->state.id())
            line.sender = bots::level::follower;
        answer_line(self, std::move(line));
      },
      [self, line](caf::error&) mutable { answer_line(self, std::move(line)); });
}

caf::error bot_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

caf::result<std::string> put_bot(bot_actor* self, const std::string& body) {
  auto& st = self->state;
  st.touch();
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "the bot must be a JSON object");
  if (auto err = only_fields(j, {"script", "enabled"}))
    return err;
  auto script = string_field(j, "script", false);
  if (!script)
    return script.error();
  auto enabled = st.config.enabled;
  if (auto it = j.find("enabled"); it != j.end()) {
    if (!it->is_boolean())
      return bot_invalid("'enabled' must be true or false");
    enabled = it->get<bool>();
  }
  auto source = *script ? **script : st.config.script;
  if (auto problem = bots::lua_sandbox::compile_error(source))
    return bot_invalid(*problem);
  if (auto err = st.emit(bot_ev::script_set{source, enabled}))
    return err;
  st.runner->stop();
  if (!enabled)
    return bot_json(self);
  listen(self);
  auto rp = self->make_response_promise<std::string>();
  with_channel(self, [self, rp]() mutable {
    start_script(self);
    rp.deliver(bot_json(self));
  });
  return rp;
}

caf::result<std::string> set_command(bot_actor* self, const std::string& name,
                                     const std::string& body) {
  auto& st = self->state;
  st.touch();
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "a command must be a JSON object");
  auto command = bots::parse_template_command(name, j);
  if (!command)
    return command.error();
  if (!st.config.commands.count(name) && st.config.commands.size() >= bots::limits::commands_max)
    return make_error(errc::conflict, "a channel has at most 100 commands", "commands_full");
  if (auto err = st.emit(bot_ev::command_set{command->name, command->response, command->cooldown_s,
                                             std::string{bots::level_name(command->min_level)}}))
    return err;
  return bot_json(self);
}

std::string log_json(const bot_state& st) {
  auto entries = json::array();
  for (const auto& e : st.entries)
    entries.push_back({{"at_ms", e.at_ms}, {"kind", e.kind}, {"text", e.text}});
  return json{{"entries", entries}}.dump();
}

void wake(bot_actor* self) {
  auto& st = self->state;
  if (!st.config.enabled)
    return;
  listen(self);
  if (!st.runner->script_running() && st.config.stopped_reason.empty() && !st.config.script.empty())
    with_channel(self, [self] {
      if (!self->state.runner->script_running())
        start_script(self);
    });
}

caf::behavior bot_behavior(bot_actor* self, caf::actor registry, storage::event_store* store,
                           std::string channel, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = bot_snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  if (st.config.enabled)
    self->send(self, bot_wake_atom::value);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& st = self->state;
    if (down.source != st.room)
      return;
    // The room went (moved or restarted): listen to its next activation.
    st.listening = false;
    st.room = nullptr;
    self->delayed_send(self, 1s, bot_wake_atom::value);
  });
  return {
    [self](bot_get_atom) -> std::string { return self->state.answer_read(self, bot_json(self)); },
    [self](bot_put_atom, const std::string& body) { return put_bot(self, body); },
    [self](bot_cmd_set_atom, const std::string& name, const std::string& body) {
      return set_command(self, name, body);
    },
    [self](bot_cmd_del_atom, const std::string& name) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.config.commands.count(name))
        return make_error(errc::not_found, "no command !" + name);
      if (auto err = st.emit(bot_ev::command_removed{name}))
        return err;
      return bot_json(self);
    },
    [self](bot_log_atom) -> std::string {
      return self->state.answer_read(self, log_json(self->state));
    },
    [self](bot_event_atom, const std::string& type, const std::string& data) {
      auto& st = self->state;
      if (!st.config.enabled || !st.runner->handles(type))
        return;
      auto payload = json::parse(data, nullptr, false);
      if (!payload.is_object())
        return;
      with_channel(self, [self, type, payload] {
        react(self, self->state.runner->on_event(type, payload, host_of(self)));
      });
    },
    [self](bot_wake_atom) { wake(self); },
    [self](bot_tick_atom) {
      auto& st = self->state;
      st.tick_armed = false;
      auto next = st.runner->next_timer_ms();
      if (!next)
        return;
      if (*next > st.clock().now_ms())
        return arm_tick(self);
      with_channel(self, [self] { react(self, self->state.runner->on_tick(host_of(self))); });
    },
    [self](chat_deliver_atom, const std::string& frame) { on_frame(self, frame); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_bot_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock) {
  kinds.factories["bot"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                            const std::string& channel) {
    return sys.spawn(bot_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors
