// qna/<webinar id> (actors/qna/qna.hpp): the questions of one webinar, event-sourced.
//
// Events: qna.asked {"id","author","text","status"}, qna.voted {"id","user","up"},
// qna.moderated {"id","action","by"} (its timestamp is an answer's time), qna.settings
// {"moderation","by"}.
//
// Who may ask, vote and moderate is the webinar's answer (webinar_access_atom), kept per
// principal for `access_ttl_ms` on the injected clock (at most `access_cache_max` entries), so a
// burst of votes asks the webinar once per viewer, and a registration or a new moderator counts
// within seconds. The webinar's channel (for the room's frames) is read once per activation.
#include "actors/qna/qna.hpp"

#include <functional>
#include <map>
#include <set>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/automod.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/qna/question_book.hpp"
#include "actors/webinars/webinars.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// A timer of the entity itself: the coalesced vote frames go out.
using qna_frame_atom = caf::atom_constant<caf::atom("qnaframe")>;

constexpr std::int64_t access_ttl_ms = 10'000;
constexpr std::size_t access_cache_max = 4096;
// Votes of a popular question come in bursts; viewers see the count at most this often.
constexpr auto vote_frame_every = std::chrono::milliseconds(300);
constexpr std::uint64_t qna_snapshot_every = 2048;
// Questions are held for review even with moderation off when AutoMod at this level would hold
// them in chat (terms only; links and caps are fine in a question).
constexpr std::uint32_t qna_automod_level = 3;

namespace ev {
struct asked {
  static constexpr std::string_view type = "qna.asked";
  static constexpr std::uint32_t schema = 1;
  std::int64_t id = 0;
  std::string author;
  std::string text;
  std::string status;
};
struct voted {
  static constexpr std::string_view type = "qna.voted";
  static constexpr std::uint32_t schema = 1;
  std::int64_t id = 0;
  std::string user;
  bool up = true;
};
struct moderated {
  static constexpr std::string_view type = "qna.moderated";
  static constexpr std::uint32_t schema = 1;
  std::int64_t id = 0;
  std::string action;
  std::string by;
};
struct settings {
  static constexpr std::string_view type = "qna.settings";
  static constexpr std::uint32_t schema = 1;
  bool moderation = true;
  std::string by;
};

void to_json(json& j, const asked& e) {
  j = json{{"id", e.id}, {"author", e.author}, {"text", e.text}, {"status", e.status}};
}
void from_json(const json& j, asked& e) {
  e.id = j.at("id").get<std::int64_t>();
  e.author = j.at("author").get<std::string>();
  e.text = j.at("text").get<std::string>();
  e.status = j.at("status").get<std::string>();
}
void to_json(json& j, const voted& e) { j = json{{"id", e.id}, {"user", e.user}, {"up", e.up}}; }
void from_json(const json& j, voted& e) {
  e.id = j.at("id").get<std::int64_t>();
  e.user = j.at("user").get<std::string>();
  e.up = j.value("up", true);
}
void to_json(json& j, const moderated& e) {
  j = json{{"id", e.id}, {"action", e.action}, {"by", e.by}};
}
void from_json(const json& j, moderated& e) {
  e.id = j.at("id").get<std::int64_t>();
  e.action = j.at("action").get<std::string>();
  e.by = j.value("by", "");
}
void to_json(json& j, const settings& e) { j = json{{"moderation", e.moderation}, {"by", e.by}}; }
void from_json(const json& j, settings& e) {
  e.moderation = j.at("moderation").get<bool>();
  e.by = j.value("by", "");
}
}  // namespace ev

struct qna_access {
  bool watch = false;
  bool ask = false;
  bool moderate = false;
};

struct cached_access {
  qna_access access;
  std::int64_t until_ms = 0;
};

struct qna_state {
  static constexpr std::string_view kind = "qna";
  static inline const char* name = "qna";
  using events = event_list<ev::asked, ev::voted, ev::moderated, ev::settings>;

  question_book book;
  std::string channel;  // the webinar's, once read
  std::map<std::string, cached_access> access;
  std::set<std::int64_t> vote_dirty;  // questions whose votes changed since the last frame
  bool frame_armed = false;

  void apply(const ev::asked& e, const event_meta& meta) {
    book.ask(e.id, e.author, e.text, e.status, meta.timestamp_ms);
  }
  void apply(const ev::voted& e, const event_meta&) { book.vote(e.id, e.user, e.up); }
  void apply(const ev::moderated& e, const event_meta& meta) {
    book.moderate(e.id, e.action, meta.timestamp_ms);
  }
  void apply(const ev::settings& e, const event_meta&) { book.set_moderation(e.moderation); }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using qna_actor = caf::stateful_actor<event_sourced<qna_state>>;
using access_then = std::function<void(caf::expected<qna_access>)>;

// The key of a caller's cached rights: display() tells every kind of principal apart, and an
// app's scopes do not change what the webinar answers.
std::string access_key(const runtime::principal& who) {
  return std::to_string(static_cast<int>(who.type)) + ":" + who.display();
}

void remember(qna_actor* self, const std::string& key, qna_access a) {
  auto& st = self->state;
  auto now = st.clock().now_ms();
  if (st.access.size() >= access_cache_max) {
    std::erase_if(st.access, [now](const auto& kv) { return kv.second.until_ms <= now; });
    if (st.access.size() >= access_cache_max)
      st.access.clear();  // bounded: everybody asks the webinar again
  }
  st.access[key] = {a, now + access_ttl_ms};
}

void ask_access(qna_actor* self, const runtime::principal& who, access_then then) {
  auto& st = self->state;
  auto key = access_key(who);
  entity_ref<webinar_protocol>{st.registry(), st.id()}
    .request(self, webinar_access_atom::value, who)
    .then(
      [self, key, then](std::string& text) {
        auto j = json::parse(text, nullptr, false);
        if (!j.is_object())
          return then(make_error(errc::unavailable, "the webinar's answer is not readable"));
        qna_access a{j.value("watch", false), j.value("ask", false), j.value("moderate", false)};
        remember(self, key, a);
        then(a);
      },
      [then](caf::error& err) { then(std::move(err)); });
}

// Calls `then` with what `who` may do here, once the webinar's channel is known; not_found when
// the webinar does not exist.
void with_access(qna_actor* self, const runtime::principal& who, access_then then) {
  auto& st = self->state;
  if (st.channel.empty()) {
    entity_ref<webinar_protocol>{st.registry(), st.id()}
      .request(self, webinar_get_atom::value)
      .then(
        [self, who, then](std::string& text) {
          auto j = json::parse(text, nullptr, false);
          auto channel = j.is_object() ? j.value("channel", std::string{}) : std::string{};
          if (channel.empty())
            return then(make_error(errc::unavailable, "the webinar's answer has no channel"));
          self->state.channel = channel;
          with_access(self, who, then);
        },
        [then](caf::error& err) { then(std::move(err)); });
    return;
  }
  auto it = st.access.find(access_key(who));
  if (it != st.access.end() && it->second.until_ms > st.clock().now_ms())
    return then(it->second.access);
  ask_access(self, who, std::move(then));
}

void relay(qna_actor* self, const json& frame) {
  auto& st = self->state;
  if (!st.channel.empty())
    entity_ref<chat_protocol>{st.registry(), st.channel}.tell(chat_relay_atom::value, frame.dump());
}

// What viewers learn of a change to question `id`: the question when they may see it; only its
// id and "hidden" when it left their list (its text stays with moderators); and for a pending
// question only how many wait, which moderators' panels take as the cue to read the queue.
void tell_room(qna_actor* self, std::int64_t id, bool was_visible) {
  auto& st = self->state;
  const auto* q = st.book.find(id);
  if (!q)
    return;
  json frame{{"type", "qa"}, {"webinar", st.id()}};
  if (q->visible()) {
    frame["question"] = question_json(*q);
  } else if (was_visible) {
    qna_question gone;
    gone.id = q->id;
    gone.status = q->status;
    gone.asked_at_ms = q->asked_at_ms;
    frame["question"] = question_json(gone);
  } else {
    frame["pending"] = st.book.pending();
  }
  relay(self, frame);
}

void flush_vote_frames(qna_actor* self) {
  auto& st = self->state;
  for (auto id : std::exchange(st.vote_dirty, {}))
    if (const auto* q = st.book.find(id); q && q->visible())
      tell_room(self, id, true);
}

json question_for(const qna_actor* self, std::int64_t id, const std::string& caller) {
  return question_json(*self->state.book.find(id), caller);
}

// The caller's name in the questions' "author" and "voted" (accounts only may ask and vote).
std::string caller_name(const runtime::principal& who) { return who.is_user() ? who.name : ""; }

caf::expected<std::string> listing(qna_actor* self, const runtime::principal& who,
                                   const qna_access& a, const std::string& sort) {
  auto& st = self->state;
  if (!a.watch && !a.moderate)
    return make_error(errc::forbidden, "this webinar's Q&A is for its registered attendees");
  auto me = caller_name(who);
  std::vector<const qna_question*> seen;
  for (const auto& [id, q] : st.book.all())
    if (a.moderate || q.visible() || (!me.empty() && q.author == me && q.status == "pending"))
      seen.push_back(&q);
  auto list = json::array();
  for (const auto* q : sorted_questions(std::move(seen), sort))
    list.push_back(question_json(*q, me));
  return json{{"webinar", st.id()},
              {"channel", st.channel},
              {"moderation", st.book.moderation()},
              {"can", {{"ask", a.ask}, {"moderate", a.moderate}}},
              {"pending", st.book.pending()},
              {"questions", std::move(list)}}
    .dump();
}

caf::expected<std::string> ask(qna_actor* self, const runtime::principal& who, const qna_access& a,
                               const std::string& text) {
  auto& st = self->state;
  if (!who.is_user())
    return make_error(errc::forbidden, "questions need an account");
  if (!a.ask)
    return make_error(errc::forbidden, "only registered attendees may ask in this webinar");
  auto clean = clean_question_text(text);
  if (!clean)
    return clean.error();
  if (auto err = st.book.can_ask(who.name))
    return err;
  bool held = st.book.moderation();
  if (!held) {
    automod::message_input in;
    in.text = *clean;
    in.level = qna_automod_level;
    in.spam_exempt = true;
    in.links_allowed = true;
    held = automod::classify(in).has_value();
  }
  auto id = st.book.next_id();
  if (auto err = st.emit(ev::asked{id, who.name, *clean, held ? "pending" : "approved"}))
    return err;
  tell_room(self, id, false);
  return question_for(self, id, who.name).dump();
}

caf::expected<std::string> vote(qna_actor* self, const runtime::principal& who, const qna_access& a,
                                std::int64_t id, bool up) {
  auto& st = self->state;
  if (!who.is_user() || !a.ask)
    return make_error(errc::forbidden, "only attendees who may ask vote");
  bool changes = false;
  if (auto err = st.book.can_vote(who.name, id, up, changes))
    return err;
  if (changes) {
    if (auto err = st.emit(ev::voted{id, who.name, up}))
      return err;
    st.vote_dirty.insert(id);
    if (!st.frame_armed) {
      st.frame_armed = true;
      self->delayed_send(self, vote_frame_every, qna_frame_atom::value);
    }
  }
  return question_for(self, id, who.name).dump();
}

caf::expected<std::string> moderate(qna_actor* self, const runtime::principal& who,
                                    const qna_access& a, std::int64_t id,
                                    const std::string& action) {
  auto& st = self->state;
  if (!a.moderate)
    return make_error(errc::forbidden, "only the webinar's moderators do that");
  bool changes = false;
  if (auto err = st.book.can_moderate(id, action, changes))
    return err;
  if (changes) {
    auto previous = st.book.on_screen() ? st.book.on_screen()->id : 0;
    bool was_visible = st.book.find(id)->visible();
    if (auto err = st.emit(ev::moderated{id, action, who.display()}))
      return err;
    tell_room(self, id, was_visible);
    if (previous != 0 && previous != id && action == "on_screen")
      tell_room(self, previous, true);  // it left the screen
  }
  return question_for(self, id, caller_name(who)).dump();
}

// Runs `body` with the caller's rights and delivers its answer; an entity that has no events
// afterwards lets its activation go (asking about random ids parks no actor).
template <class Body>
caf::result<std::string> answer_with_access(qna_actor* self, const runtime::principal& who,
                                            Body body) {
  self->state.touch();
  auto promise = self->make_response_promise<std::string>();
  with_access(self, who, [self, promise, body](caf::expected<qna_access> a) mutable {
    auto& st = self->state;
    caf::expected<std::string> out = a ? body(*a) : caf::expected<std::string>{a.error()};
    st.touch();
    if (!st.exists())
      st.passivate(self);
    if (out)
      promise.deliver(std::move(*out));
    else
      promise.deliver(std::move(out.error()));
  });
  return promise;
}

json all_questions(const qna_state& st) {
  auto list = json::array();
  for (const auto& [id, q] : st.book.all())
    list.push_back(question_json(q));
  return list;
}

caf::behavior qna_behavior(qna_actor* self, caf::actor registry, storage::event_store* store,
                           std::string webinar, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = qna_snapshot_every;
  if (auto err = st.activate(self, *store, webinar, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](qna_list_atom) -> std::string {
      return self->state.answer_read(self, all_questions(self->state).dump());
    },
    [self](qna_get_atom, const runtime::principal& who, const std::string& sort) {
      return answer_with_access(self, who, [self, who, sort](const qna_access& a) {
        return listing(self, who, a, sort);
      });
    },
    [self](qna_ask_atom, const runtime::principal& who, const std::string& text) {
      return answer_with_access(self, who, [self, who, text](const qna_access& a) {
        return ask(self, who, a, text);
      });
    },
    [self](qna_vote_atom, const runtime::principal& who, std::int64_t id, bool up) {
      return answer_with_access(self, who, [self, who, id, up](const qna_access& a) {
        return vote(self, who, a, id, up);
      });
    },
    [self](qna_mod_atom, const runtime::principal& who, std::int64_t id,
           const std::string& action) {
      return answer_with_access(self, who, [self, who, id, action](const qna_access& a) {
        return moderate(self, who, a, id, action);
      });
    },
    [self](qna_settings_atom, const runtime::principal& who, bool moderation) {
      return answer_with_access(
        self, who, [self, who, moderation](const qna_access& a) -> caf::expected<std::string> {
          auto& st = self->state;
          if (!a.moderate)
            return make_error(errc::forbidden, "only the webinar's moderators do that");
          if (moderation != st.book.moderation())
            if (auto err = st.emit(ev::settings{moderation, who.display()}))
              return err;
          return json{{"moderation", st.book.moderation()}}.dump();
        });
    },
    [self](qna_export_atom, const runtime::principal& who) {
      return answer_with_access(
        self, who, [self](const qna_access& a) -> caf::expected<std::string> {
          if (!a.moderate)
            return make_error(errc::forbidden, "the export is for the webinar's managers");
          return all_questions(self->state).dump();
        });
    },
    [self](get_atom) -> std::string {
      auto& st = self->state;
      const auto* screen = st.book.on_screen();
      return st.answer_read(self, json{{"webinar", st.id()},
                                       {"channel", st.channel},
                                       {"questions", st.book.all().size()},
                                       {"pending", st.book.pending()},
                                       {"votes", st.book.votes()},
                                       {"moderation", st.book.moderation()},
                                       {"on_screen", screen ? json(screen->id) : json(nullptr)},
                                       {"access_cached", st.access.size()}}
                                    .dump());
    },
    [self](qna_frame_atom) {
      self->state.frame_armed = false;
      flush_vote_frames(self);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_qna_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock) {
  kinds.factories["qna"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                            const std::string& webinar) {
    return sys.spawn(qna_behavior, registry, &store, webinar, &clock);
  };
}

}  // namespace aethex::actors
