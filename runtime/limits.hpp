// Resource limits shared by the front ends: fixed-window rate limits per client address, caps on
// concurrent connections (per address and in total), a throttle for the log lines refusals
// produce, and the node's limit settings with their defaults. Every map here is bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace aethex::runtime {

/// The node's resource limits (`aethex serve --help`, docs/aethex.example.toml). 0 = no limit.
struct node_limits {
  std::size_t http_max_connections = 10'000;  // HTTP + WebSocket connections in total
  std::size_t http_max_per_address = 256;     // set 0 behind a reverse proxy
  unsigned http_header_timeout_s = 10;        // a request head must arrive within this
  std::size_t rtmp_max_connections = 256;
  std::size_t rtmp_max_per_address = 4;
  std::size_t srt_max_connections = 64;
  std::size_t srt_max_per_address = 4;
  unsigned signups_per_address = 5;  // per signup window
  unsigned signup_window_s = 600;
  unsigned logins_per_address = 10;  // per minute
  unsigned channels_per_user = 5;    // the admin token is exempt
  unsigned hash_threads = 2;         // argon2id workers (64 MiB each while hashing)
  std::size_t hash_queue = 32;       // hashes waiting for a worker; beyond that: 503
  /// argon2id's cost for new password hashes: false = libsodium's interactive limits; true = its
  /// minimum, so load tests can register thousands of accounts (never for real accounts).
  bool minimum_password_cost = false;
};

using steady_now_fn = std::function<std::chrono::steady_clock::time_point()>;

/// What limits count a client under: an IPv4 address as it is, an IPv6 address by its /64 (one
/// subscriber usually holds a whole /64), an IPv4-mapped IPv6 address as the IPv4 address. Text
/// that is not an address is its own key.
std::string address_key(std::string_view address);

/// Attempts per key in fixed windows (e.g. 5 sign-ups per 10 minutes per address). Thread-safe.
/// At most `max_keys` keys are tracked: when more arrive, the key whose window started first is
/// forgotten (it starts afresh), so memory stays bounded under a flood from many addresses.
class window_limiter {
 public:
  struct options {
    unsigned limit = 10;  // attempts per window; 0 = unlimited
    std::chrono::seconds window{60};
    std::size_t max_keys = 10'000;
  };

  explicit window_limiter(options opt, steady_now_fn now = std::chrono::steady_clock::now);

  /// Counts an attempt for `key`: 0 when it may go ahead, otherwise the whole seconds (at least
  /// 1) until the key's window ends, for a Retry-After header. Refused attempts do not count.
  unsigned admit(std::string_view key);
  /// Keys tracked right now.
  std::size_t size() const;

 private:
  struct entry {
    std::string key;
    std::chrono::steady_clock::time_point start;
    unsigned count = 0;
  };
  void expire(std::chrono::steady_clock::time_point now);

  const options opt_;
  const steady_now_fn now_;
  mutable std::mutex mutex_;
  std::list<entry> by_start_;                                               // oldest window first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_;  // views into entries
};

/// Concurrent connections in total and per key (see address_key). Thread-safe; slots may outlive
/// the caps object.
class connection_caps {
 public:
  struct limits {
    std::size_t total = 0;  // 0 = no cap
    std::size_t per_address = 0;
  };
  enum class refusal { none, total, per_address };

  /// A held place; gives it back when released or destroyed. Move-only.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept = default;
    slot& operator=(slot&& other) noexcept;
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() { release(); }
    explicit operator bool() const { return state_ != nullptr; }
    void release();

   private:
    friend class connection_caps;
    struct state;
    slot(std::shared_ptr<state> s, std::string key) : state_(std::move(s)), key_(std::move(key)) {}
    std::shared_ptr<state> state_;
    std::string key_;
  };

  struct admission {
    slot held;  // empty when refused
    refusal why = refusal::none;
  };

  explicit connection_caps(limits lim);
  /// Takes a place for a connection from `key`, or says which cap is full.
  admission admit(const std::string& key);
  /// What admit would answer now, without taking a place (for handshake callbacks).
  refusal check(const std::string& key) const;
  std::size_t total() const;
  std::size_t count(const std::string& key) const;

 private:
  std::shared_ptr<slot::state> state_;
};

/// Human text for a refusal ("too many connections", "too many connections from this address").
const char* to_string(connection_caps::refusal why);

/// At most one log line per interval, so a flood of refusals cannot flood the log. Thread-safe.
class log_throttle {
 public:
  explicit log_throttle(std::chrono::milliseconds interval = std::chrono::seconds(1),
                        steady_now_fn now = std::chrono::steady_clock::now);
  /// nullopt: stay quiet this time; otherwise log, mentioning the returned number of events that
  /// were held back since the last line.
  std::optional<std::size_t> admit();

 private:
  const std::chrono::milliseconds interval_;
  const steady_now_fn now_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  std::size_t held_back_ = 0;
};

}  // namespace aethex::runtime
