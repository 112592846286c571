// user/<username>: an account — credentials, public profile and personal settings.
//
// Events: user.signed_up {"username","email","password_hash","display_name"},
// user.profile_updated {"display_name"?,"bio"?,"avatar_url"?,"email"?},
// user.settings_updated {"settings":{…}} (the whole settings object after the change),
// user.channel_claimed {"channel"} / user.channel_released {"channel"} (the channel quota),
// user.bot_set {"bot"} (a bot account: chat shows its messages with the `bot` badge).
// Only the argon2id hash of the password is ever stored; the password itself lives in the
// message that carries it and nowhere else. Hashes and checks run on the kind's hash_pool, never
// on an actor thread: the entity answers when the pool is done, or errc::unavailable (503) at
// once when the pool's queue is full.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/hash_pool.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using verify_atom = caf::atom_constant<caf::atom("verify")>;
using claim_channel_atom = caf::atom_constant<caf::atom("claimchan")>;
using release_channel_atom = caf::atom_constant<caf::atom("relchan")>;
using user_bot_atom = caf::atom_constant<caf::atom("userbot")>;

/// A user as the owner sees it. Public views leave out `email` and `settings`.
struct user_view {
  std::string username;
  std::string display_name;
  std::string bio;
  std::string avatar_url;
  std::string email;
  std::string settings;  // JSON object text, defaults filled in
  std::int64_t created_at_ms = 0;
  bool bot = false;  // a bot account (docs/bots.md)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_view& x) {
  return f(caf::meta::type_name("user_view"), x.username, x.display_name, x.bio, x.avatar_url,
           x.email, x.settings, x.created_at_ms, x.bot);
}

/// Protocol of ("user", username):
///  (create_atom, email, password)  -> user_view | conflict (taken) | invalid_argument
///  (get_atom)                      -> user_view | not_found
///  (verify_atom, password)         -> user_view | unauthorized (unknown user or wrong password)
///  (update_atom, patch_json)       -> user_view | not_found | invalid_argument
///     patch keys: display_name, bio, avatar_url, email (strings), settings (object, merged)
///  (claim_channel_atom, channel, quota) -> uint32 channels held | not_found | forbidden (quota
///     reached; quota 0 = none). Claiming a channel already held changes nothing.
///  (release_channel_atom, channel)      -> bool (whether it was held)
///  (user_bot_atom, bool bot)            -> user_view | not_found: flags (or unflags) a bot account
/// create and verify answer errc::unavailable when `pool` is full.
caf::actor spawn_user(caf::actor_system& sys, const caf::actor& registry,
                      storage::event_store& store, const std::string& username,
                      std::shared_ptr<runtime::hash_pool> pool,
                      const runtime::clock& clock = runtime::system_clock(),
                      bool minimum_password_cost = false);

/// The typed protocol of user/<name> (actors/core/entity_ref.hpp).
struct user_protocol {
  static constexpr std::string_view kind = "user";
  static user_view reply_to(create_atom, std::string email, std::string password);
  static user_view reply_to(get_atom);
  static user_view reply_to(verify_atom, std::string password);
  static user_view reply_to(update_atom, std::string patch_json);
  static std::uint32_t reply_to(claim_channel_atom, std::string channel, std::uint32_t quota);
  static bool reply_to(release_channel_atom, std::string channel);
  static user_view reply_to(user_bot_atom, bool bot);
};

/// Registers the "user" kind with its store and a hash pool of its own, sized by `pool`
/// (its threads stop when the registry that holds the kind goes); its entities read `clock`
/// (which must outlive them) for event times and idleness. `minimum_password_cost`: new hashes
/// use argon2id's minimum limits (load tests only).
void add_user_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   runtime::hash_pool::options pool = {},
                   const runtime::clock& clock = runtime::system_clock(),
                   bool minimum_password_cost = false);

// Validation rules, shared by the entity and front ends that want to fail early.
inline constexpr std::size_t min_password_bytes = 8;
inline constexpr std::size_t max_password_bytes = 256;

/// Usernames follow the channel-name rules: 3–25 characters of a–z, 0–9 and '_'.
bool valid_username(std::string_view name);
/// Why `name` cannot be an account name (format, or reserved: runtime::reserved_account_name).
std::optional<std::string> username_problem(std::string_view name);
/// Why `password` is unacceptable, or nullopt when it is fine.
std::optional<std::string> password_problem(std::string_view password);

/// argon2id (libsodium crypto_pwhash_str, interactive limits, or its minimum ones for load
/// tests). Throws std::runtime_error when the machine cannot provide the memory.
std::string hash_password(std::string_view password, bool minimum_cost = false);
/// Constant-time check of `password` against a hash made by hash_password.
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace aethex::actors
