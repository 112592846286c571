#include "net/app/response_cache.hpp"

#include <cstdio>

#include <boost/beast/http/field.hpp>

namespace aethex::app {

namespace bhttp = boost::beast::http;

struct response_cache::flight {
  std::string key;
  std::vector<std::string> kinds;
  std::uint64_t stamp = 0;
  std::vector<net::http::respond_fn> waiters;
};

void response_cache::track(const actors::route_table& routes) {
  std::lock_guard lock{mutex_};
  for (auto& route : routes.routes)
    for (auto& kind : route.cached_until)
      if (tracked_.insert(kind).second)
        generations_.emplace(kind, 0);
}

std::vector<std::string> response_cache::relevant(const std::vector<std::string>& kinds) const {
  std::lock_guard lock{mutex_};
  std::vector<std::string> out;
  for (auto& kind : kinds)
    if (tracked_.contains(kind))
      out.push_back(kind);
  return out;
}

// Every counter only grows, so the sum stays the same exactly when none of them moved.
std::uint64_t response_cache::stamp_locked(const std::vector<std::string>& kinds) const {
  std::uint64_t stamp = writes_;
  for (auto& kind : kinds)
    if (auto it = generations_.find(kind); it != generations_.end())
      stamp += it->second;
  return stamp;
}

response_cache::lookup response_cache::find(const std::string& key,
                                            const std::vector<std::string>& kinds,
                                            net::http::respond_fn answer) {
  lookup out;
  std::lock_guard lock{mutex_};
  const auto stamp = stamp_locked(kinds);
  if (auto it = entries_.find(key); it != entries_.end()) {
    auto& e = *it->second;
    if (e.stamp == stamp && std::chrono::steady_clock::now() - e.filled < opts_.max_age) {
      lru_.splice(lru_.begin(), lru_, it->second);
      out.what = lookup::outcome::hit;
      out.response = e.response;
      return out;
    }
    erase_locked(it->second);
  }
  // Join a computation only when it began after the last change: one that began before may
  // have read what a write since then replaced.
  if (auto it = flights_.find(key); it != flights_.end() && it->second->stamp == stamp) {
    if (it->second->waiters.size() >= opts_.max_waiters)
      return out;  // bypass
    it->second->waiters.push_back(std::move(answer));
    out.what = lookup::outcome::queued;
    return out;
  }
  auto f = std::make_shared<flight>(flight{key, kinds, stamp, {}});
  flights_[key] = f;
  out.what = lookup::outcome::lead;
  out.pending = std::move(f);
  return out;
}

net::http::response response_cache::finish(const std::shared_ptr<flight>& f,
                                           net::http::response res) {
  if (res.result_int() == 200) {
    res.set(bhttp::field::etag, etag_of(res.body().str()));
    // Revalidated by ETag, unless the route chose its own caching (immutable images).
    if (res[bhttp::field::cache_control] == "no-store")
      res.set(bhttp::field::cache_control, "no-cache");
  }
  std::vector<net::http::respond_fn> waiters;
  {
    std::lock_guard lock{mutex_};
    if (auto it = flights_.find(f->key); it != flights_.end() && it->second == f)
      flights_.erase(it);
    if (res.result_int() == 200 && stamp_locked(f->kinds) == f->stamp)
      store_locked(f->key, f->stamp, res);
    waiters.swap(f->waiters);
  }
  for (auto& waiter : waiters)
    waiter(res);
  return res;
}

void response_cache::store_locked(const std::string& key, std::uint64_t stamp,
                                  const net::http::response& res) {
  if (auto it = entries_.find(key); it != entries_.end())
    erase_locked(it->second);
  if (res.body().size() > opts_.max_bytes / 4)
    return;  // one answer may not push out most of the others
  lru_.push_front(entry{key, res, stamp, std::chrono::steady_clock::now()});
  entries_.emplace(key, lru_.begin());
  bytes_ += res.body().size();
  while (!lru_.empty() && (entries_.size() > opts_.max_entries || bytes_ > opts_.max_bytes))
    erase_locked(std::prev(lru_.end()));
}

void response_cache::erase_locked(lru_list::iterator it) {
  bytes_ -= it->response.body().size();
  entries_.erase(it->key);
  lru_.erase(it);
}

void response_cache::invalidate(const std::vector<std::string>& kinds) {
  std::lock_guard lock{mutex_};
  for (auto& kind : kinds)
    if (auto it = generations_.find(kind); it != generations_.end())
      ++it->second;
}

void response_cache::invalidate_all() {
  std::lock_guard lock{mutex_};
  ++writes_;
}

std::size_t response_cache::size() const {
  std::lock_guard lock{mutex_};
  return entries_.size();
}

std::string response_cache::etag_of(std::string_view body) {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a: fast, and a validator needs no secrecy
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace aethex::app
