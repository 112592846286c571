#include "actors/identity/user.hpp"

#include <set>
#include <stdexcept>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_journal.hpp"
#include "actors/core/entity_support.hpp"
#include "runtime/atoms.hpp"
#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"
#include "runtime/principal.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t max_display_name = 40;  // characters (code points)
constexpr std::size_t max_bio = 300;
constexpr std::size_t max_avatar_url = 512;  // bytes
constexpr std::size_t max_email = 254;

// Known settings and their defaults; anything else is refused so typos do not pile up.
const json& default_settings() {
  static const json defaults = {{"theme", "dark"},
                                {"language", "en"},
                                {"chat_timestamps", false},
                                {"mature_content", false},
                                {"email_notifications", false}};
  return defaults;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8)
    n += (c & 0xC0) != 0x80;
  return n;
}

bool has_control(std::string_view text, bool allow_newline) {
  for (unsigned char c : text)
    if ((c < 0x20 && !(allow_newline && c == '\n')) || c == 0x7F)
      return true;
  return false;
}

bool valid_email(std::string_view email) {
  if (email.size() > max_email)
    return false;
  auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.')
    return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
      return false;
  return true;
}

bool valid_url(std::string_view url) {
  if (url.size() > max_avatar_url)
    return false;
  std::string_view rest;
  if (url.substr(0, 8) == "https://")
    rest = url.substr(8);
  else if (url.substr(0, 7) == "http://")
    rest = url.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/')
    return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\')
      return false;
  return true;
}

std::optional<std::string> settings_problem(const json& change) {
  if (!change.is_object())
    return "settings must be an object";
  for (auto& [key, value] : change.items()) {
    if (!default_settings().contains(key))
      return "unknown setting '" + key + "'";
    if (key == "theme") {
      if (!value.is_string() ||
          (value != "dark" && value != "light" && value != "system"))
        return "setting 'theme' must be \"dark\", \"light\" or \"system\"";
    } else if (key == "language") {
      auto ok = value.is_string() && !value.get_ref<const std::string&>().empty() &&
                value.get_ref<const std::string&>().size() <= 16;
      if (ok)
        for (char c : value.get_ref<const std::string&>())
          ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-');
      if (!ok)
        return "setting 'language' must be a language tag such as \"en\" or \"pt-BR\"";
    } else if (!value.is_boolean()) {
      return "setting '" + key + "' must be true or false";
    }
  }
  return std::nullopt;
}

struct user_state {
  user_view view;
  std::string password_hash;
  std::set<std::string> channels;  // claimed against the channel quota; at most the quota
  // Hashing off the actor thread: promises wait here for the pool (bounded by its queue).
  std::shared_ptr<runtime::hash_pool> pool;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<user_view>> waiting;
  std::uint64_t next_job = 1;
  struct signup {
    std::uint64_t job;
    std::string email;
  };
  std::optional<signup> signing_up;  // one sign-up at a time: its hash is being computed
  json settings = json::object();  // only the keys the user changed
  std::optional<entity_journal> journal;
  caf::actor registry;
  idle_tracker idle{60s, 600s};
  static inline const char* name = "user";

  void apply(const storage::event& ev) {
    auto body = json::parse(ev.payload, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return;
    if (ev.type == "user.signed_up") {
      view.username = body.value("username", "");
      view.email = body.value("email", "");
      view.display_name = body.value("display_name", view.username);
      password_hash = body.value("password_hash", "");
      view.created_at_ms = ev.timestamp_ms;
    } else if (ev.type == "user.profile_updated") {
      auto take = [&body](const char* key, std::string& target) {
        if (auto it = body.find(key); it != body.end() && it->is_string())
          target = it->get<std::string>();
      };
      take("display_name", view.display_name);
      take("bio", view.bio);
      take("avatar_url", view.avatar_url);
      take("email", view.email);
    } else if (ev.type == "user.channel_claimed" || ev.type == "user.channel_released") {
      if (auto it = body.find("channel"); it != body.end() && it->is_string()) {
        if (ev.type == "user.channel_claimed")
          channels.insert(it->get<std::string>());
        else
          channels.erase(it->get<std::string>());
      }
    } else if (ev.type == "user.settings_updated") {
      if (auto it = body.find("settings"); it != body.end() && it->is_object())
        settings = *it;
    }
  }

  user_view full_view() const {
    auto out = view;
    auto merged = default_settings();
    merged.update(settings);
    out.settings = merged.dump();
    return out;
  }
};

using user_actor = caf::stateful_actor<user_state>;

caf::error commit(user_actor* self, std::vector<storage::event> events) {
  auto& st = self->state;
  return st.journal->commit(events, [&st](const storage::event& ev) { st.apply(ev); });
}

// Validates a profile/settings patch completely before anything is written.
caf::expected<std::vector<storage::event>> events_for_patch(const user_state& st,
                                                            const std::string& patch_json) {
  auto patch = runtime::parse_client_json(patch_json);
  if (patch.is_discarded() || !patch.is_object())
    return make_error(errc::invalid_argument, "the change must be a JSON object");
  json profile = json::object();
  std::optional<json> settings;
  for (auto& [key, value] : patch.items()) {
    if (key == "settings") {
      if (auto problem = settings_problem(value))
        return make_error(errc::invalid_argument, *problem);
      settings = st.settings;
      settings->update(value);
      continue;
    }
    if (key != "display_name" && key != "bio" && key != "avatar_url" && key != "email")
      return make_error(errc::invalid_argument, "unknown field '" + key + "'");
    if (!value.is_string())
      return make_error(errc::invalid_argument, "field '" + key + "' must be a string");
    const auto& text = value.get_ref<const std::string&>();
    if (key == "display_name" &&
        (text.empty() || code_points(text) > max_display_name || has_control(text, false)))
      return make_error(errc::invalid_argument,
                        "display_name must be 1-40 characters without control characters");
    if (key == "bio" && (code_points(text) > max_bio || has_control(text, true)))
      return make_error(errc::invalid_argument,
                        "bio must be at most 300 characters without control characters");
    if (key == "avatar_url" && !text.empty() && !valid_url(text))
      return make_error(errc::invalid_argument,
                        "avatar_url must be an http:// or https:// URL of at most 512 bytes");
    if (key == "email" && !text.empty() && !valid_email(text))
      return make_error(errc::invalid_argument, "email is not a valid address");
    profile[key] = text;
  }
  std::vector<storage::event> events;
  if (!profile.empty())
    events.push_back(make_event("user.profile_updated", profile.dump()));
  if (settings)
    events.push_back(make_event("user.settings_updated", json{{"settings", *settings}}.dump()));
  return events;
}

using hashed_atom = caf::atom_constant<caf::atom("pwhashed")>;
using checked_atom = caf::atom_constant<caf::atom("pwchecked")>;

// A hash of nothing anybody knows: unknown users cost the same time as wrong passwords, so the
// response time does not reveal which usernames exist. Computed on a pool thread, once.
const std::string& decoy_hash() {
  static const std::string hash = hash_password(runtime::random_hex(16));
  return hash;
}

caf::error pool_busy() {
  return make_error(errc::unavailable, "the server is busy checking passwords, try again shortly");
}

// Runs `work` (hash or check) on the pool and parks a promise until the pool sends `Atom` back
// with the job's id. Returns the promise, or an error when the pool is full.
template <class Atom, class Work>
caf::result<user_view> on_pool(user_actor* self, Work work, std::uint64_t& job) {
  auto& st = self->state;
  job = st.next_job++;
  auto submitted = st.pool->try_submit(
    [me = caf::actor_cast<caf::actor>(self), id = job, work = std::move(work)]() mutable {
      caf::anon_send(me, Atom::value, id, work());
    });
  if (!submitted)
    return pool_busy();
  auto promise = self->make_response_promise<user_view>();
  st.waiting.emplace(job, promise);
  return promise;
}

std::optional<caf::typed_response_promise<user_view>> take_waiting(user_state& st,
                                                                    std::uint64_t job) {
  auto it = st.waiting.find(job);
  if (it == st.waiting.end())
    return std::nullopt;
  auto promise = std::move(it->second);
  st.waiting.erase(it);
  return promise;
}

// Passwords copied into pool jobs are wiped once used.
void wipe(std::string& secret) { sodium_memzero(secret.data(), secret.size()); }

caf::behavior user_behavior(user_actor* self, caf::actor registry, storage::event_store* store,
                            std::string username, std::shared_ptr<runtime::hash_pool> pool) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.pool = std::move(pool);
  st.journal.emplace(*store, "user/" + username);
  st.journal->recover([](const std::string&) {}, [&st](const storage::event& ev) { st.apply(ev); });
  st.idle.arm(self);
  auto not_found = [] { return make_error(errc::not_found, "user not found"); };
  return {
    [self, username](create_atom, const std::string& email,
                     const std::string& password) -> caf::result<user_view> {
      auto& st = self->state;
      st.idle.touch();
      if (auto problem = username_problem(username))
        return make_error(errc::invalid_argument, *problem);
      if (st.journal->exists())
        return make_error(errc::conflict, "username '" + username + "' is taken");
      if (auto problem = password_problem(password))
        return make_error(errc::invalid_argument, *problem);
      if (!email.empty() && !valid_email(email))
        return make_error(errc::invalid_argument, "email is not a valid address");
      if (st.signing_up)
        return make_error(errc::conflict, "username '" + username + "' is being registered");
      std::uint64_t job = 0;
      auto result = on_pool<hashed_atom>(
        self,
        [password = std::string{password}]() mutable {
          std::string hash;  // empty: the machine could not spare the memory
          try {
            hash = hash_password(password);
          } catch (const std::exception&) {
          }
          wipe(password);
          return hash;
        },
        job);
      if (st.waiting.count(job))
        st.signing_up = user_state::signup{job, email};
      return result;
    },
    [self, username](hashed_atom, std::uint64_t job, const std::string& hash) {
      auto& st = self->state;
      auto promise = take_waiting(st, job);
      if (!promise)
        return;
      auto email = st.signing_up ? std::move(st.signing_up->email) : std::string{};
      st.signing_up.reset();
      if (hash.empty()) {
        promise->deliver(
          make_error(errc::unavailable, "not enough memory to hash a password, try again"));
      } else if (st.journal->exists()) {
        promise->deliver(make_error(errc::conflict, "username '" + username + "' is taken"));
      } else {
        auto payload = json{{"username", username}, {"email", email}, {"password_hash", hash},
                            {"display_name", username}}.dump();
        if (auto err = commit(self, {make_event("user.signed_up", payload)}))
          promise->deliver(std::move(err));
        else
          promise->deliver(st.full_view());
      }
    },
    [self, not_found](get_atom) -> caf::result<user_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      return st.full_view();
    },
    [self](verify_atom, const std::string& password) -> caf::result<user_view> {
      auto& st = self->state;
      st.idle.touch();
      // Unknown users are checked against the decoy so both cost the same time.
      std::uint64_t job = 0;
      return on_pool<checked_atom>(
        self,
        [hash = st.password_hash, password = std::string{password}]() mutable {
          bool ok = !hash.empty() && verify_password(hash, password);
          if (hash.empty())
            (void)verify_password(decoy_hash(), password);
          wipe(password);
          return ok;
        },
        job);
    },
    [self](checked_atom, std::uint64_t job, bool ok) {
      auto& st = self->state;
      auto promise = take_waiting(st, job);
      if (!promise)
        return;
      if (!ok || !st.journal->exists())
        promise->deliver(make_error(errc::unauthorized, "wrong username or password"));
      else
        promise->deliver(st.full_view());
    },
    [self, not_found](claim_channel_atom, const std::string& channel,
                      std::uint32_t quota) -> caf::result<std::uint32_t> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      if (!valid_channel_name(channel))
        return make_error(errc::invalid_argument, "not a channel name");
      if (!st.channels.count(channel)) {
        if (quota != 0 && st.channels.size() >= quota)
          return make_error(errc::forbidden, "channel quota reached: an account may own at most " +
                                               std::to_string(quota) + " channels");
        auto payload = json{{"channel", channel}}.dump();
        if (auto err = commit(self, {make_event("user.channel_claimed", payload)}))
          return err;
      }
      return static_cast<std::uint32_t>(st.channels.size());
    },
    [self](release_channel_atom, const std::string& channel) -> caf::result<bool> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.channels.count(channel))
        return false;
      auto payload = json{{"channel", channel}}.dump();
      if (auto err = commit(self, {make_event("user.channel_released", payload)}))
        return err;
      return true;
    },
    [self, not_found](update_atom, const std::string& patch_json) -> caf::result<user_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      auto events = events_for_patch(st, patch_json);
      if (!events)
        return events.error();
      if (!events->empty())
        if (auto err = commit(self, std::move(*events)))
          return err;
      return st.full_view();
    },
    [self](passivate_atom) {
      // The partition moves: callers still waiting for the pool get an answer, not silence.
      for (auto& [_, promise] : self->state.waiting)
        promise.deliver(make_error(errc::unavailable, "the account moved to another node, retry"));
      self->state.waiting.clear();
      self->quit();
    },
    [self](idle_check_atom) {
      auto& st = self->state;
      if (!st.waiting.empty())
        return st.idle.arm(self);  // a hash is on its way back
      if (!st.journal->exists())
        return idle_tracker::passivate(self, st.registry);
      st.idle.check(self, st.registry);
    },
  };
}

void ensure_sodium() {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::optional<std::string> username_problem(std::string_view name) {
  if (!valid_channel_name(name))
    return "usernames are 3-25 characters of a-z, 0-9 and _";
  if (runtime::reserved_account_name(name))
    return "the name '" + std::string{name} + "' is reserved; choose another";
  return std::nullopt;
}

bool valid_username(std::string_view name) { return !username_problem(name); }

std::optional<std::string> password_problem(std::string_view password) {
  if (password.size() < min_password_bytes || password.size() > max_password_bytes)
    return "passwords are 8-256 bytes long";
  return std::nullopt;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("not enough memory to hash a password, try again");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES)
    return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  hash.copy(stored, hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

caf::actor spawn_user(caf::actor_system& sys, const caf::actor& registry,
                      storage::event_store& store, const std::string& username,
                      std::shared_ptr<runtime::hash_pool> pool) {
  return sys.spawn(user_behavior, registry, &store, username, std::move(pool));
}

void add_user_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   runtime::hash_pool::options pool) {
  auto shared_pool = std::make_shared<runtime::hash_pool>(pool);
  kinds.factories["user"] = [&store, shared_pool](caf::actor_system& sys,
                                                  const caf::actor& registry,
                                                  const std::string& id) {
    return spawn_user(sys, registry, store, id, shared_pool);
  };
}

}  // namespace aethex::actors
