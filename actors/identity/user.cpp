#include "actors/identity/user.hpp"

#include <set>
#include <stdexcept>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "actors/channel/channel.hpp"
#include "actors/core/event_sourced.hpp"
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
      if (!value.is_string() || (value != "dark" && value != "light" && value != "system"))
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

// Stored events; their JSON is what this entity always wrote.
struct signed_up {
  static constexpr std::string_view type = "user.signed_up";
  static constexpr std::uint32_t schema = 1;
  std::string username;
  std::string email;
  std::string password_hash;
  std::optional<std::string> display_name;  // the username when absent
};
void to_json(json& j, const signed_up& e) {
  j = json{{"username", e.username}, {"email", e.email}, {"password_hash", e.password_hash}};
  if (e.display_name)
    j["display_name"] = *e.display_name;
}
void from_json(const json& j, signed_up& e) {
  e.username = j.value("username", "");
  e.email = j.value("email", "");
  e.password_hash = j.value("password_hash", "");
  if (j.contains("display_name"))
    e.display_name = j.value("display_name", "");
}

// Only string fields count; a field that is not a string is read as absent.
std::optional<std::string> lenient_string_field(const json& j, const char* key) {
  if (auto it = j.find(key); it != j.end() && it->is_string())
    return it->get<std::string>();
  return std::nullopt;
}

struct profile_updated {
  static constexpr std::string_view type = "user.profile_updated";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> display_name, bio, avatar_url, email;
  bool empty() const { return !display_name && !bio && !avatar_url && !email; }
};
void to_json(json& j, const profile_updated& e) {
  j = json::object();
  for (auto [key, value] : {std::pair{"display_name", &e.display_name},
                            {"bio", &e.bio},
                            {"avatar_url", &e.avatar_url},
                            {"email", &e.email}})
    if (*value)
      j[key] = **value;
}
void from_json(const json& j, profile_updated& e) {
  e.display_name = lenient_string_field(j, "display_name");
  e.bio = lenient_string_field(j, "bio");
  e.avatar_url = lenient_string_field(j, "avatar_url");
  e.email = lenient_string_field(j, "email");
}

/// The whole settings object after the change.
struct settings_updated {
  static constexpr std::string_view type = "user.settings_updated";
  static constexpr std::uint32_t schema = 1;
  std::optional<json> settings;  // absent (or not an object) in a damaged event: ignored
};
void to_json(json& j, const settings_updated& e) {
  j = json{{"settings", e.settings.value_or(json::object())}};
}
void from_json(const json& j, settings_updated& e) {
  if (auto it = j.find("settings"); it != j.end() && it->is_object())
    e.settings = *it;
}

struct channel_claimed {
  static constexpr std::string_view type = "user.channel_claimed";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> channel;
};
struct channel_released {
  static constexpr std::string_view type = "user.channel_released";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> channel;
};
template <class E>
requires std::is_same_v<E, channel_claimed> || std::is_same_v<E, channel_released>
void to_json(json& j, const E& e) { j = json{{"channel", e.channel.value_or("")}}; }
template <class E>
requires std::is_same_v<E, channel_claimed> || std::is_same_v<E, channel_released>
void from_json(const json& j, E& e) { e.channel = lenient_string_field(j, "channel"); }

// A bot account (docs/bots.md): set by the user, or by the admin.
struct bot_set {
  static constexpr std::string_view type = "user.bot_set";
  static constexpr std::uint32_t schema = 1;
  bool bot = false;
};
void to_json(json& j, const bot_set& e) { j = json{{"bot", e.bot}}; }
void from_json(const json& j, bot_set& e) { e.bot = j.value("bot", false); }

struct user_state {
  static constexpr std::string_view kind = "user";
  static inline const char* name = "user";
  using events = event_list<signed_up, profile_updated, settings_updated, channel_claimed,
                            channel_released, bot_set>;

  user_view view;
  std::string password_hash;
  std::set<std::string> channels;  // claimed against the channel quota; at most the quota
  // Hashing off the actor thread: promises wait here for the pool (bounded by its queue).
  std::shared_ptr<runtime::hash_pool> pool;
  bool minimum_password_cost = false;  // --minimum-password-cost (load tests)
  std::unordered_map<std::uint64_t, caf::typed_response_promise<user_view>> waiting;
  std::uint64_t next_job = 1;
  struct signup {
    std::uint64_t job;
    std::string email;
  };
  std::optional<signup> signing_up;  // one sign-up at a time: its hash is being computed
  json settings = json::object();    // only the keys the user changed

  bool keep_active() const { return !waiting.empty(); }  // a hash is on its way back
  // The partition moves or the entity goes: callers still waiting for the pool get an answer,
  // not silence.
  void on_passivate() {
    for (auto& [_, promise] : waiting)
      promise.deliver(make_error(errc::unavailable, "the account moved to another node, retry"));
    waiting.clear();
  }

  void apply(const signed_up& e, const event_meta& meta) {
    view.username = e.username;
    view.email = e.email;
    view.display_name = e.display_name.value_or(view.username);
    password_hash = e.password_hash;
    view.created_at_ms = meta.timestamp_ms;
  }
  void apply(const profile_updated& e, const event_meta&) {
    for (auto [field, target] : {std::pair{&e.display_name, &view.display_name},
                                 {&e.bio, &view.bio},
                                 {&e.avatar_url, &view.avatar_url},
                                 {&e.email, &view.email}})
      if (*field)
        *target = **field;
  }
  void apply(const channel_claimed& e, const event_meta&) {
    if (e.channel)
      channels.insert(*e.channel);
  }
  void apply(const channel_released& e, const event_meta&) {
    if (e.channel)
      channels.erase(*e.channel);
  }
  void apply(const bot_set& e, const event_meta&) { view.bot = e.bot; }
  void apply(const settings_updated& e, const event_meta&) {
    if (e.settings)
      settings = *e.settings;
  }

  user_view full_view() const {
    auto out = view;
    auto merged = default_settings();
    merged.update(settings);
    out.settings = merged.dump();
    return out;
  }
};

using user_actor = caf::stateful_actor<event_sourced<user_state>>;

struct patch_events {
  profile_updated profile;
  std::optional<settings_updated> settings;
};

// Validates a profile/settings patch completely before anything is written.
caf::expected<patch_events> events_for_patch(const user_state& st, const std::string& patch_json) {
  auto patch = runtime::parse_client_json(patch_json);
  if (patch.is_discarded() || !patch.is_object())
    return make_error(errc::invalid_argument, "the change must be a JSON object");
  patch_events out;
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
    auto& field = key == "display_name" ? out.profile.display_name
                  : key == "bio"        ? out.profile.bio
                  : key == "avatar_url" ? out.profile.avatar_url
                                        : out.profile.email;
    field = text;
  }
  if (settings)
    out.settings = settings_updated{std::move(settings)};
  return out;
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
  auto submitted = st.pool->try_submit([me = caf::actor_cast<caf::actor>(self), id = job,
                                        work = std::move(work)]() mutable {
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
                            std::string username, std::shared_ptr<runtime::hash_pool> pool,
                            const runtime::clock* clock, bool minimum_password_cost) {
  auto& st = self->state;
  st.pool = std::move(pool);
  st.minimum_password_cost = minimum_password_cost;
  if (auto err = st.activate(self, *store, username, {registry, clock, 60s, 600s}))
    return st.refuse(self, std::move(err));
  auto not_found = [] { return make_error(errc::not_found, "user not found"); };
  return {
    [self, username](create_atom, const std::string& email,
                     const std::string& password) -> caf::result<user_view> {
      auto& st = self->state;
      st.touch();
      if (auto problem = username_problem(username))
        return make_error(errc::invalid_argument, *problem);
      if (st.exists())
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
        [password = std::string{password}, minimum = st.minimum_password_cost]() mutable {
          std::string hash;  // empty: the machine could not spare the memory
          try {
            hash = hash_password(password, minimum);
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
        promise->deliver(make_error(errc::unavailable,
                                    "not enough memory to hash a password, try again"));
      } else if (st.exists()) {
        promise->deliver(make_error(errc::conflict, "username '" + username + "' is taken"));
      } else {
        if (auto err = st.emit(signed_up{username, email, hash, username}))
          promise->deliver(std::move(err));
        else
          promise->deliver(st.full_view());
      }
    },
    [self, not_found](get_atom) -> caf::result<user_view> {
      auto& st = self->state;
      st.touch();
      if (!st.exists())
        return not_found();
      return st.full_view();
    },
    [self](verify_atom, const std::string& password) -> caf::result<user_view> {
      auto& st = self->state;
      st.touch();
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
      if (!ok || !st.exists())
        promise->deliver(make_error(errc::unauthorized, "wrong username or password"));
      else
        promise->deliver(st.full_view());
    },
    [self, not_found](claim_channel_atom, const std::string& channel,
                      std::uint32_t quota) -> caf::result<std::uint32_t> {
      auto& st = self->state;
      st.touch();
      if (!st.exists())
        return not_found();
      if (!valid_channel_name(channel))
        return make_error(errc::invalid_argument, "not a channel name");
      if (!st.channels.count(channel)) {
        if (quota != 0 && st.channels.size() >= quota)
          return make_error(errc::forbidden, "channel quota reached: an account may own at most " +
                                               std::to_string(quota) + " channels");
        if (auto err = st.emit(channel_claimed{channel}))
          return err;
      }
      return static_cast<std::uint32_t>(st.channels.size());
    },
    [self](release_channel_atom, const std::string& channel) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (!st.channels.count(channel))
        return false;
      if (auto err = st.emit(channel_released{channel}))
        return err;
      return true;
    },
    [self, not_found](user_bot_atom, bool bot) -> caf::result<user_view> {
      auto& st = self->state;
      st.touch();
      if (!st.exists())
        return not_found();
      if (st.view.bot != bot)
        if (auto err = st.emit(bot_set{bot}))
          return err;
      return st.full_view();
    },
    [self, not_found](update_atom, const std::string& patch_json) -> caf::result<user_view> {
      auto& st = self->state;
      st.touch();
      if (!st.exists())
        return not_found();
      auto events = events_for_patch(st, patch_json);
      if (!events)
        return events.error();
      // Both changes of one patch are appended together, or neither.
      caf::error err;
      if (!events->profile.empty() && events->settings)
        err = st.emit(events->profile, *events->settings);
      else if (!events->profile.empty())
        err = st.emit(events->profile);
      else if (events->settings)
        err = st.emit(*events->settings);
      if (err)
        return err;
      return st.full_view();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
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

std::string hash_password(std::string_view password, bool minimum_cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  // The parameters are part of the stored string, so verify_password reads either kind.
  auto ops = minimum_cost ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  auto mem = minimum_cost ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
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
                      std::shared_ptr<runtime::hash_pool> pool, const runtime::clock& clock,
                      bool minimum_password_cost) {
  return sys.spawn(user_behavior, registry, &store, username, std::move(pool), &clock,
                   minimum_password_cost);
}

void add_user_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   runtime::hash_pool::options pool, const runtime::clock& clock,
                   bool minimum_password_cost) {
  auto shared_pool = std::make_shared<runtime::hash_pool>(pool);
  kinds.factories["user"] = [&store, shared_pool, &clock,
                             minimum_password_cost](caf::actor_system& sys,
                                                    const caf::actor& registry,
                                                    const std::string& id) {
    return spawn_user(sys, registry, store, id, shared_pool, clock, minimum_password_cost);
  };
}

}  // namespace aethex::actors
