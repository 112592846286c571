// A typed handle on an entity: the kind and the reply type of every command come from the
// entity's protocol declaration, so a call site cannot misspell the kind or expect the wrong
// reply. A protocol is a struct with the kind's name and one `reply_to` declaration per command:
//
//   struct channel_protocol {
//     static constexpr std::string_view kind = "channel";
//     static channel_view reply_to(get_atom);
//     static std::string reply_to(rotate_key_atom, runtime::principal);
//   };
//   entity_ref<channel_protocol>{registry, "alice"}.ask(sys, get_atom::value)
//     .then([](caf::expected<channel_view> view) { ... });
//
// A command the protocol does not declare does not compile.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"

namespace aethex::actors {

/// How long a caller waits for an entity (activation included) before giving up.
inline constexpr auto entity_ask_timeout = std::chrono::seconds(10);

template <class Protocol, class... Ts>
using reply_of = decltype(Protocol::reply_to(std::declval<Ts>()...));

/// One request on its way: `then` delivers the typed reply or the error.
template <class Reply>
class pending_ask {
 public:
  pending_ask(caf::actor registry, std::string kind, std::string id, caf::message command)
      : registry_(std::move(registry)), kind_(std::move(kind)), id_(std::move(id)),
        command_(std::move(command)) {}

  /// From code outside any actor (HTTP handlers): a short-lived actor asks; `done` runs on a CAF
  /// thread.
  void then(caf::actor_system& sys, std::function<void(caf::expected<Reply>)> done) && {
    sys.spawn([registry = std::move(registry_), kind = std::move(kind_), id = std::move(id_),
               command = std::move(command_),
               done = std::move(done)](caf::event_based_actor* self) mutable {
      self->request(registry, entity_ask_timeout, route_atom::value, kind, id, std::move(command))
        .then([done](Reply& reply) { done(std::move(reply)); },
              [done](caf::error& err) { done(std::move(err)); });
    });
  }

  /// From inside an actor: the reply arrives as one of its messages.
  template <class Actor, class Done>
  void then(Actor* self, Done done) && {
    self->request(registry_, entity_ask_timeout, route_atom::value, kind_, id_, std::move(command_))
      .then([done](Reply& reply) mutable { done(caf::expected<Reply>{std::move(reply)}); },
            [done](caf::error& err) mutable { done(caf::expected<Reply>{std::move(err)}); });
  }

 private:
  caf::actor registry_;
  std::string kind_;
  std::string id_;
  caf::message command_;
};

/// A request made by an actor: `then` accepts only a handler for the protocol's reply type, so
/// a mismatch fails to compile instead of surfacing as an "unexpected response" at run time.
template <class Reply, class Handle>
class typed_response {
 public:
  explicit typed_response(Handle handle) : handle_(std::move(handle)) {}

  template <class OnReply, class OnError>
  void then(OnReply on_reply, OnError on_error) && {
    static_assert(std::is_invocable_v<OnReply, Reply&>,
                  "the handler does not take the reply type the entity's protocol declares");
    std::move(handle_).then([on_reply](Reply& reply) mutable { on_reply(reply); },
                            std::move(on_error));
  }

  /// The same, but the actor handles nothing else until the reply (or the error) arrives.
  template <class OnReply, class OnError>
  void await(OnReply on_reply, OnError on_error) && {
    static_assert(std::is_invocable_v<OnReply, Reply&>,
                  "the handler does not take the reply type the entity's protocol declares");
    std::move(handle_).await([on_reply](Reply& reply) mutable { on_reply(reply); },
                             std::move(on_error));
  }

 private:
  Handle handle_;
};

template <class Protocol>
class entity_ref {
 public:
  entity_ref(caf::actor registry, std::string id)
      : registry_(std::move(registry)), id_(std::move(id)) {}

  template <class... Ts>
  pending_ask<reply_of<Protocol, std::decay_t<Ts>...>> ask(Ts&&... command) const {
    return {registry_, std::string{Protocol::kind}, id_,
            caf::make_message(std::forward<Ts>(command)...)};
  }

  /// From inside an actor, with CAF's handlers: `ref.request(self, get_atom::value).then(...)`.
  template <class Actor, class... Ts>
  auto request(Actor* self, Ts&&... command) const {
    return request_within(self, entity_ask_timeout, std::forward<Ts>(command)...);
  }

  template <class Actor, class Duration, class... Ts>
  auto request_within(Actor* self, Duration timeout, Ts&&... command) const {
    using reply = reply_of<Protocol, std::decay_t<Ts>...>;
    auto handle = self->request(registry_, timeout, route_atom::value, std::string{Protocol::kind},
                                id_, caf::make_message(std::forward<Ts>(command)...));
    return typed_response<reply, decltype(handle)>{std::move(handle)};
  }

  /// A command whose reply does not matter (fire and forget through the registry).
  template <class... Ts>
  void tell(Ts&&... command) const {
    static_assert(sizeof(reply_of<Protocol, std::decay_t<Ts>...>*) > 0);
    caf::anon_send(registry_, route_atom::value, std::string{Protocol::kind}, id_,
                   caf::make_message(std::forward<Ts>(command)...));
  }

  const std::string& id() const { return id_; }

 private:
  caf::actor registry_;
  std::string id_;
};

}  // namespace aethex::actors
