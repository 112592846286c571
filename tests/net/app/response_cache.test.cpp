// The API response cache: hits, one computation per concurrent miss, invalidation by kind and by
// writes (also of answers being computed when the change came), bounds and age.
#include "net/app/response_cache.hpp"

#include <doctest/doctest.h>

#include <thread>

#include <boost/beast/http/field.hpp>

using namespace aethex;
using app::response_cache;
using outcome = response_cache::lookup::outcome;
namespace bhttp = boost::beast::http;

namespace {

const std::vector<std::string> channel_kinds{"channel", "follows"};

actors::route_table tracked_routes() {
  actors::route_table routes;
  routes.add(actors::http_method::get, "channels", actors::access::anyone, {}, {}, {"channel"});
  routes.add(actors::http_method::get, "channels/{channel}", actors::access::anyone, {}, {},
             channel_kinds);
  return routes;
}

std::unique_ptr<response_cache> make_cache(response_cache::options opts = {}) {
  auto cache = std::make_unique<response_cache>(opts);
  cache->track(tracked_routes());
  return cache;
}

// Looks `key` up and, when told to lead, answers with `body`.
response_cache::lookup fill(response_cache& cache, const std::string& key, const std::string& body,
                            unsigned status = 200) {
  auto found = cache.find(key, channel_kinds, [](net::http::response) {});
  if (found.what == outcome::lead)
    cache.finish(found.pending, net::http::json_response(status, body));
  return found;
}

}  // namespace

TEST_CASE("a finished answer is served until a kind it depends on changes") {
  auto owned = make_cache();
  auto& cache = *owned;
  CHECK(fill(cache, "channels/a?", "v1").what == outcome::lead);
  auto hit = cache.find("channels/a?", channel_kinds, {});
  REQUIRE(hit.what == outcome::hit);
  CHECK(hit.response.body() == "v1");
  CHECK(hit.response[bhttp::field::etag] == response_cache::etag_of("v1"));
  CHECK(hit.response[bhttp::field::cache_control] == "no-cache");

  cache.invalidate({"chat"});  // nothing depends on it
  CHECK(cache.find("channels/a?", channel_kinds, {}).what == outcome::hit);
  cache.invalidate({"follows"});
  CHECK(fill(cache, "channels/a?", "v2").what == outcome::lead);
  CHECK(cache.find("channels/a?", channel_kinds, {}).response.body() == "v2");
  cache.invalidate_all();  // a write answered on this node
  CHECK(cache.find("channels/a?", channel_kinds, {}).what == outcome::lead);
}

TEST_CASE("only kinds of cached routes are relevant (and broadcast)") {
  auto owned = make_cache();
  auto& cache = *owned;
  CHECK(cache.relevant({"chat", "channel", "user", "follows"}) ==
        std::vector<std::string>{"channel", "follows"});
}

TEST_CASE("concurrent misses wait for one answer; one begun before a change is not kept") {
  auto owned = make_cache();
  auto& cache = *owned;
  auto lead = cache.find("channels?", channel_kinds, {});
  REQUIRE(lead.what == outcome::lead);
  std::vector<std::string> waited;
  auto waiter = [&](net::http::response res) { waited.push_back(res.body().str()); };
  CHECK(cache.find("channels?", channel_kinds, waiter).what == outcome::queued);
  CHECK(cache.find("channels?", channel_kinds, waiter).what == outcome::queued);
  cache.finish(lead.pending, net::http::json_response(200, "page"));
  CHECK(waited == std::vector<std::string>{"page", "page"});
  CHECK(cache.find("channels?", channel_kinds, {}).what == outcome::hit);

  // A change while an answer is computed: a later request computes anew instead of joining,
  // and the older answer is not kept (it may predate the change).
  cache.invalidate({"channel"});
  auto before = cache.find("channels?", channel_kinds, {});
  REQUIRE(before.what == outcome::lead);
  cache.invalidate({"channel"});
  auto after = cache.find("channels?", channel_kinds, {});
  REQUIRE(after.what == outcome::lead);
  cache.finish(before.pending, net::http::json_response(200, "old"));
  CHECK(cache.find("channels?", channel_kinds, waiter).what == outcome::queued);
  cache.finish(after.pending, net::http::json_response(200, "new"));
  CHECK(waited.back() == "new");  // it waited for the answer begun after the change
  auto hit = cache.find("channels?", channel_kinds, {});
  REQUIRE(hit.what == outcome::hit);
  CHECK(hit.response.body() == "new");
}

TEST_CASE("errors are shared with waiters but not kept") {
  auto owned = make_cache();
  auto& cache = *owned;
  auto lead = cache.find("channels/x?", channel_kinds, {});
  unsigned waited = 0;
  cache.find("channels/x?", channel_kinds,
             [&](net::http::response res) { waited = res.result_int(); });
  cache.finish(lead.pending, net::http::error_response(404, "not_found", "channel not found"));
  CHECK(waited == 404);
  CHECK(cache.find("channels/x?", channel_kinds, {}).what == outcome::lead);
}

TEST_CASE("bounded: entries, bytes, waiters and age") {
  response_cache::options opts;
  opts.max_entries = 2;
  opts.max_bytes = 100;
  opts.max_waiters = 1;
  opts.max_age = std::chrono::milliseconds(200);
  auto owned = make_cache(opts);
  auto& cache = *owned;
  fill(cache, "a", "1");
  fill(cache, "b", "2");
  CHECK(cache.find("a", channel_kinds, {}).what == outcome::hit);  // a is now the newest
  fill(cache, "c", "3");
  CHECK(cache.size() == 2);
  CHECK(cache.find("b", channel_kinds, {}).what == outcome::lead);  // the oldest went
  CHECK(cache.find("a", channel_kinds, {}).what == outcome::hit);

  // An answer larger than a quarter of the byte budget is not kept.
  fill(cache, "big", std::string(30, 'x'));
  CHECK(cache.find("big", channel_kinds, {}).what == outcome::lead);

  auto lead = cache.find("d", channel_kinds, {});
  CHECK(cache.find("d", channel_kinds, [](net::http::response) {}).what == outcome::queued);
  CHECK(cache.find("d", channel_kinds, [](net::http::response) {}).what == outcome::bypass);
  cache.finish(lead.pending, net::http::json_response(200, "4"));

  CHECK(cache.find("a", channel_kinds, {}).what == outcome::hit);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  CHECK(cache.find("a", channel_kinds, {}).what == outcome::lead);
}
