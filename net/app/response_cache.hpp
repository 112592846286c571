// The node's cache of public API answers (GET routes of `anyone` that name the entity kinds their
// answer depends on: actors::route::cached_until). Entities are in-memory actors and read models
// local SQLite, so no Redis: what costs is building and serialising the JSON per request, and
// the actor and cluster round trips behind it. Entries are the finished responses, keyed by
// path + query.
//
// An entry is served while nothing it depends on changed since its answer began:
//  - an event of one of its kinds applied to a read model of any member (invalidate(kinds),
//    called by this node's read models and by other members' broadcasts);
//  - a write (non-GET request) answered successfully by this node (invalidate_all()), so a
//    client reads its own write at once even before the read models have applied it;
//  - and at most max_age, in case a broadcast was lost (a member died, partitions moved).
// Concurrent misses of one key wait for one answer instead of each computing it. Entries,
// bytes and waiters are bounded; the oldest entries go first.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/core/route.hpp"
#include "net/http/server.hpp"

namespace aethex::app {

class response_cache {
 public:
  struct options {
    std::size_t max_entries = 4096;
    std::size_t max_bytes = 32u << 20;  // body bytes over all entries
    std::chrono::milliseconds max_age{2000};
    std::size_t max_waiters = 1024;  // per key; more concurrent misses compute on their own
  };

  response_cache() : response_cache(options{}) {}
  explicit response_cache(options opts) : opts_(opts) {}

  /// The kinds cached routes depend on (only their changes are broadcast to other members).
  void track(const actors::route_table& routes);
  /// Of `kinds`, those some cached route depends on.
  std::vector<std::string> relevant(const std::vector<std::string>& kinds) const;

  struct flight;
  struct lookup {
    enum class outcome { hit, queued, lead, bypass } what = outcome::bypass;
    net::http::response response;     // hit: the cached answer (with its ETag)
    std::shared_ptr<flight> pending;  // lead: compute the answer, then finish() it
  };
  /// A hit; or `answer` queued behind the miss already computing this key; or the caller leads
  /// the computation; or (too many waiters) computes without the cache.
  lookup find(const std::string& key, const std::vector<std::string>& kinds,
              net::http::respond_fn answer);
  /// The leader's answer: kept when it is a 200 and nothing it depends on changed meanwhile,
  /// given to every waiter (with the ETag a 200 gets). Returns what the leader sends.
  net::http::response finish(const std::shared_ptr<flight>& f, net::http::response res);

  void invalidate(const std::vector<std::string>& kinds);
  void invalidate_all();

  std::size_t size() const;

  /// The strong validator of a body: a quoted hash.
  static std::string etag_of(std::string_view body);

 private:
  struct entry {
    std::string key;
    net::http::response response;
    std::uint64_t stamp = 0;
    std::chrono::steady_clock::time_point filled;
  };
  using lru_list = std::list<entry>;

  std::uint64_t stamp_locked(const std::vector<std::string>& kinds) const;
  void store_locked(const std::string& key, std::uint64_t stamp, const net::http::response& res);
  void erase_locked(lru_list::iterator it);

  options opts_;
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> tracked_;                     // kinds of cached routes
  std::map<std::string, std::uint64_t, std::less<>> generations_;  // of tracked kinds only
  std::uint64_t writes_ = 0;                                       // invalidate_all() count
  lru_list lru_;                                                   // most recently used first
  std::unordered_map<std::string, lru_list::iterator> entries_;
  std::unordered_map<std::string, std::shared_ptr<flight>> flights_;  // misses being computed
  std::size_t bytes_ = 0;
};

}  // namespace aethex::app
