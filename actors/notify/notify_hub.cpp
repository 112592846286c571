#include "actors/notify/notify_hub.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/topic_connections.hpp"
#include "actors/identity/user.hpp"
#include "actors/notify/notices.hpp"
#include "actors/social/follows.hpp"
#include "runtime/atoms.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using email_atom = caf::atom_constant<caf::atom("emailflw")>;

struct hub_state {
  static inline const char* name = "notify_hub";
  topic_connections connections;
  // channel → online users who follow it with notifications on, and the reverse.
  std::unordered_map<std::string, std::set<std::string>> followers;
  std::unordered_map<std::string, std::set<std::string>> followed_by;
};

using hub_actor = caf::stateful_actor<hub_state>;

void index_follow(hub_state& st, const std::string& user, const std::string& channel, bool on) {
  if (on) {
    st.followers[channel].insert(user);
    st.followed_by[user].insert(channel);
    return;
  }
  if (auto it = st.followers.find(channel); it != st.followers.end()) {
    it->second.erase(user);
    if (it->second.empty())
      st.followers.erase(it);
  }
  if (auto it = st.followed_by.find(user); it != st.followed_by.end())
    it->second.erase(channel);
}

void forget_user(hub_state& st, const std::string& user) {
  if (auto it = st.followed_by.find(user); it != st.followed_by.end()) {
    for (auto channels = std::move(it->second); auto& channel : channels)
      index_follow(st, user, channel, false);
    st.followed_by.erase(user);
  }
}

void drop_connection(hub_actor* self, const caf::actor_addr& addr) {
  if (auto last = self->state.connections.remove(addr))
    forget_user(self->state, *last);
}

void load_follows(hub_actor* self, const caf::actor& registry, const std::string& user) {
  entity_ref<follows_protocol>{registry, user}
    .ask(get_atom::value)
    .then(self, [self, user](caf::expected<follows_view> view) {
      auto& st = self->state;
      if (!view || !st.connections.has(user))
        return;  // unreachable (no notifications until the next subscribe) or gone meanwhile
      for (auto& followed : view->channels)
        index_follow(st, user, followed.channel, followed.notify);
    });
}

void on_follows_changed(hub_actor* self, const json& change) {
  auto& st = self->state;
  auto user = change.value("user", std::string{});
  if (!st.connections.has(user))
    return;
  index_follow(st, user, change.value("channel", std::string{}),
               change.value("following", false) && change.value("notify", true));
}

void on_notice(hub_actor* self, json body) {
  auto& st = self->state;
  if (auto users = body.find("users"); users != body.end()) {
    // A personal notice: to its users' connections on this node, without the list of users.
    auto whom = std::move(*users);
    body.erase("users");
    auto frame = json{{"type", "notification"}, {"notification", body}}.dump();
    for (auto& user : whom)
      if (user.is_string())
        for (auto& connection : st.connections.of(user.get<std::string>()))
          self->send(connection, topic_push_atom::value, frame);
    return;
  }
  auto it = st.followers.find(body.value("channel", std::string{}));
  if (it == st.followers.end())
    return;
  auto frame = json{{"type", "notification"}, {"notification", body}}.dump();
  for (auto& user : it->second)
    for (auto& connection : st.connections.of(user))
      self->send(connection, topic_push_atom::value, frame);
}

caf::behavior hub_behavior(hub_actor* self, caf::actor registry) {
  self->set_down_handler([self](caf::down_msg& down) { drop_connection(self, down.source); });
  return {
    [self, registry](topic_sub_atom, const std::string& user, const caf::actor& connection) {
      auto added = self->state.connections.add(user, connection);
      if (added == topic_connections::added::already)
        return;
      self->monitor(connection);
      if (added == topic_connections::added::first_of_user)
        load_follows(self, registry, user);
    },
    [self](topic_unsub_atom, const caf::actor& connection) {
      self->demonitor(connection);
      drop_connection(self, connection.address());
    },
    [self](publish_atom, const std::string& topic, const std::string& payload) {
      auto body = json::parse(payload, nullptr, false);
      if (!body.is_object())
        return;
      if (topic == follows_changed_topic)
        on_follows_changed(self, body);
      else if (topic == notice_topic)
        on_notice(self, body);
    },
    [self](metrics_atom) {
      std::uint64_t follows = 0;
      for (auto& [user, channels] : self->state.followed_by)
        follows += channels.size();
      return std::vector<std::uint64_t>{self->state.connections.size(), follows};
    },
  };
}

std::string email_subject(const notice& n) {
  if (n.kind == "announcement")
    return n.channel + " announces: " + n.title.substr(0, 120);
  return n.channel + " is live" + (n.title.empty() ? "" : ": " + n.title);
}

std::string email_text(const notice& n, const std::string& site) {
  auto headline = n.kind == "announcement" ? n.channel + " announces on AeThex LIVE:\n\n" + n.title
                                           : n.channel + " is live on AeThex LIVE" +
                                               (n.title.empty() ? "" : ": " + n.title);
  return headline + "\n\nWatch: http://" + site + "/c/" + n.channel +
         "\n\nYou receive this because you follow " + n.channel +
         " with e-mail notifications on. Turn them off with the bell on the channel page.\n";
}

// One e-mail per follower who asked for it; the address comes from the user's account.
void mail_followers(caf::event_based_actor* self, const node_env& env, const notice& n,
                    const json& rows) {
  auto mail = env.services->find(service_names::mail);
  if (!mail)
    return;
  auto subject = email_subject(n);
  auto text = email_text(n, env.http_endpoint);
  for (auto& row : rows) {
    auto user = row.value("user", std::string{});
    entity_ref<user_protocol>{env.registry, user}
      .ask(get_atom::value)
      .then(self, [self, mail, subject, text](caf::expected<user_view> account) {
        if (account && !account->email.empty())
          self->send(mail, mail_atom::value, account->email, subject, text);
      });
  }
}

// Personal notices already handed on, by "<id>\n<user>": at most one e-mail and one push per
// notice per user, even if the read model hands the same notice on again (a rebuild within
// the fresh window). Bounded: the oldest keys go first.
struct dispatcher_state {
  static inline const char* name = "notify_dispatcher";
  static constexpr std::size_t sent_max = 8192;
  std::set<std::string> sent;
  std::deque<std::string> order;

  bool first_time(const std::string& key) {
    if (!sent.insert(key).second)
      return false;
    order.push_back(key);
    if (order.size() > sent_max) {
      sent.erase(order.front());
      order.pop_front();
    }
    return true;
  }
};

using dispatcher_actor = caf::stateful_actor<dispatcher_state>;

// A personal notice (a course's lesson reminder): one e-mail to each of its users whose account
// has an address and e-mail notifications on, and a web push to each of their devices. The
// address is read from the account when the mail goes and is never logged.
void dispatch_personal(dispatcher_actor* self, const node_env& env, json body) {
  json fresh_users = json::array();
  auto id = body.value("id", std::string{});
  for (auto& user : body["users"])
    if (user.is_string() && self->state.first_time(id + "\n" + user.get<std::string>()))
      fresh_users.push_back(user);
  if (fresh_users.empty())
    return;
  body["users"] = fresh_users;
  if (auto push = env.services->find("push.sender"))
    caf::anon_send(push, publish_atom::value, std::string{"push.notice"}, body.dump());
  auto mail = env.services->find(service_names::mail);
  if (!mail)
    return;
  auto n = std::make_shared<const notice>(notice_from_json(body));
  for (auto& user : fresh_users)
    entity_ref<user_protocol>{env.registry, user.get<std::string>()}
      .ask(get_atom::value)
      .then(self, [self, mail, n, site = env.http_endpoint](caf::expected<user_view> account) {
        if (!account)
          return;
        if (auto letter = personal_notice_mail(*n, account->email, account->settings, site))
          self->send(mail, mail_atom::value, account->email, letter->subject, letter->text);
      });
}

}  // namespace

caf::actor spawn_notify_hub(caf::actor_system& sys, caf::actor registry) {
  return sys.spawn(hub_behavior, std::move(registry));
}

caf::actor spawn_notify_dispatcher(caf::actor_system& sys, const node_env& env) {
  return sys.spawn([env](dispatcher_actor* self) -> caf::behavior {
    return {
      [self, env](fresh_notice_atom, const std::string& text) {
        auto body = json::parse(text, nullptr, false);
        if (!body.is_object())
          return;
        env.publish(std::string{notice_topic}, text);
        if (body.contains("users")) {
          if (body["users"].is_array())
            dispatch_personal(self, env, std::move(body));
          return;
        }
        // Go-lives also wake followers' devices by web push (actors/push, docs/mobile.md).
        if (auto push = env.services->find("push.sender"))
          caf::anon_send(push, publish_atom::value, std::string{"push.notice"}, text);
        env.query("notify.email_followers", json{{"channel", body.value("channel", "")}},
                  [me = caf::actor{self}, text](caf::expected<std::vector<json>> rows) {
                    if (rows && !rows->empty())
                      caf::anon_send(me, email_atom::value, text, json(*rows).dump());
                  });
      },
      // The query answers on another thread: its rows come back here as a message.
      [self, env](email_atom, const std::string& notice_text, const std::string& rows) {
        mail_followers(self, env, notice_from_json(json::parse(notice_text)), json::parse(rows));
      },
    };
  });
}

}  // namespace aethex::actors
