#include "net/app/outbound_http.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <curl/curl.h>

#include "runtime/errors.hpp"

namespace aethex::app {
namespace {

// Stripe's answers are a few KiB; a larger body is cut off rather than kept in memory.
constexpr std::size_t max_response_bytes = 1 << 20;

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const auto n = size * count;
  if (body->size() + n > max_response_bytes)
    return 0;  // makes curl fail the transfer (CURLE_WRITE_ERROR)
  body->append(data, n);
  return n;
}

// --- public addresses only (outbound_request::public_only) ---
// Ranges no user-given URL may reach: this host, the operator's networks and addresses that are
// not one host (RFC 6890's special-purpose registries, the parts that are not global).
bool public_v4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return !(in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0x7f000000, 8) ||
           in(0xa9fe0000, 16) || in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0000200, 24) ||
           in(0xc0a80000, 16) || in(0xc6120000, 15) || in(0xc6336400, 24) || in(0xcb007100, 24) ||
           in(0xe0000000, 4) || in(0xf0000000, 4));
}

std::uint32_t v4_at(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

bool public_v6(const in6_addr& addr) {
  const unsigned char* b = addr.s6_addr;
  auto zeros = [b](int n) {
    for (int i = 0; i < n; ++i)
      if (b[i] != 0)
        return false;
    return true;
  };
  // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped: judged as v4).
  if (zeros(12))
    return false;
  if (zeros(10) && b[10] == 0xff && b[11] == 0xff)
    return public_v4(v4_at(b + 12));
  // NAT64 64:ff9b::/96 carries an IPv4 address; 6to4 2002::/16 too.
  static constexpr std::array<unsigned char, 12> nat64{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, nat64.data(), nat64.size()) == 0)
    return public_v4(v4_at(b + 12));
  if (b[0] == 0x20 && b[1] == 0x02)
    return public_v4(v4_at(b + 2));
  if ((b[0] & 0xfe) == 0xfc)  // fc00::/7 unique local
    return false;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)  // fe80::/10 link-local
    return false;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)  // fec0::/10 site-local (deprecated)
    return false;
  if (b[0] == 0xff)  // multicast
    return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)  // documentation
    return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)  // Teredo: hides a v4 peer
    return false;
  if (b[0] == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 &&
      b[7] == 0)  // 100::/64 discard-only
    return false;
  return true;
}

bool public_sockaddr(const sockaddr* sa) {
  if (sa == nullptr)
    return false;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    return public_v4(ntohl(in.sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    return public_v6(in6.sin6_addr);
  }
  return false;
}

caf::error forbidden_address(const std::string& host) {
  return make_error(errc::invalid_argument,
                    "the address of '" + host +
                      "' is not public (loopback, private, link-local or reserved); the "
                      "operator allows such addresses with --webhooks-allow-private",
                    "forbidden_address");
}

struct checked_host {
  std::string host;  // without IPv6 brackets
  long port = 0;
  std::string resolve_entry;  // "host:port:addr,addr" for CURLOPT_RESOLVE; "" for a literal
};

// Resolves the URL's host and checks every address it has (one non-public address is enough to
// refuse: the connection could pick it).
caf::expected<checked_host> check_public(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed{curl_url(), curl_url_cleanup};
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return make_error(errc::invalid_argument, "not a URL: the webhook URL must be http(s)://…");
  auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), which, &text, flags) != CURLUE_OK || text == nullptr)
      return {};
    std::string out{text};
    curl_free(text);
    return out;
  };
  checked_host out;
  out.host = part(CURLUPART_HOST, 0);
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (out.host.empty() || port.empty())
    return make_error(errc::invalid_argument, "the URL names no host");
  out.port = std::strtol(port.c_str(), nullptr, 10);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (auto zone = out.host.find('%'); zone != std::string::npos)
    return forbidden_address(out.host);  // a scoped (link-local) IPv6 address
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(out.host.c_str(), nullptr, &hints, &found); rc != 0 || !found)
    return make_error(errc::invalid_argument, "cannot resolve '" + out.host + "'",
                      "unresolvable_host");
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list{found, freeaddrinfo};
  std::vector<std::string> addresses;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (!public_sockaddr(ai->ai_addr))
      return forbidden_address(out.host);
    std::array<char, INET6_ADDRSTRLEN> text{};
    const void* raw =
      ai->ai_family == AF_INET
        ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)
        : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, raw, text.data(), text.size()) == nullptr)
      continue;
    auto address = std::string{text.data()};
    addresses.push_back(ai->ai_family == AF_INET6 ? "[" + address + "]" : address);
  }
  in6_addr literal6{};
  in_addr literal4{};
  bool literal = inet_pton(AF_INET, out.host.c_str(), &literal4) == 1 ||
                 inet_pton(AF_INET6, out.host.c_str(), &literal6) == 1;
  if (!literal && !addresses.empty()) {
    out.resolve_entry = out.host + ":" + std::to_string(out.port) + ":";
    for (std::size_t i = 0; i < addresses.size(); ++i)
      out.resolve_entry += (i ? "," : "") + addresses[i];
  }
  return out;
}

// The last guard: whatever curl resolved or was told, the socket is only opened to a public
// address (the checked ones, pinned above), so a rebinding DNS answer cannot reach inside.
curl_socket_t open_public_socket(void* refused, curlsocktype, curl_sockaddr* address) {
  if (!public_sockaddr(&address->addr)) {
    *static_cast<bool*>(refused) = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

}  // namespace

caf::expected<actors::outbound_response> perform_request(const actors::outbound_request& request,
                                                         long timeout_s) {
  if (request.timeout_s > 0)
    timeout_s = request.timeout_s;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> pinned{nullptr, curl_slist_free_all};
  std::string checked_host_name;
  if (request.public_only || request.resolve_only) {
    auto checked = request.public_only ? check_public(request.url)
                                       : caf::expected<checked_host>{checked_host{}};
    if (!checked)
      return checked.error();
    if (request.resolve_only)
      return actors::outbound_response{};
    checked_host_name = checked->host;
    if (!checked->resolve_entry.empty())
      pinned.reset(curl_slist_append(nullptr, checked->resolve_entry.c_str()));
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl)
    return make_error(errc::unavailable, "outbound HTTP: cannot start a request");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers{nullptr, curl_slist_free_all};
  for (const auto& [name, value] : request.headers) {
    auto line = name + ": " + value;
    auto* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown == nullptr)
      return make_error(errc::unavailable, "outbound HTTP: out of memory");
    (void)headers.release();  // `grown` is the same list, longer
    headers.reset(grown);
  }
  actors::outbound_response response;
  auto* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(timeout_s, 10L));
  bool refused_address = false;
  if (request.public_only) {
    if (pinned)
      curl_easy_setopt(h, CURLOPT_RESOLVE, pinned.get());
    curl_easy_setopt(h, CURLOPT_PROXY, "");  // a proxy would connect where it likes
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &refused_address);
  }
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (auto rc = curl_easy_perform(h); rc != CURLE_OK) {
    if (refused_address)
      return forbidden_address(checked_host_name);
    // curl's message names the host at most, never a header: safe to pass on.
    return make_error(errc::unavailable, std::string{"outbound HTTP: "} + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t elapsed_us = 0;
  if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &elapsed_us) == CURLE_OK)
    response.elapsed_ms = static_cast<std::int64_t>(elapsed_us / 1000);
  return response;
}

outbound_http::outbound_http(std::size_t max_queued, long timeout_s, std::size_t workers)
    : max_queued_(max_queued), timeout_s_(timeout_s) {
  // Before the workers exist: libcurl's global setup is not safe to race.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i)
    workers_.emplace_back([this] { run(); });
}

outbound_http::~outbound_http() {
  stop();
  curl_global_cleanup();
}

void outbound_http::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_)
    if (worker.joinable() && worker.get_id() != std::this_thread::get_id())
      worker.join();
}

void outbound_http::send(actors::outbound_request request, outbound_done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < max_queued_) {
      queue_.emplace_back(std::move(request), std::move(done));
      wake_.notify_one();
      return;
    }
  }
  done(make_error(errc::unavailable, "outbound HTTP: too many requests wait; try later"));
}

void outbound_http::run() {
  for (;;) {
    std::pair<actors::outbound_request, outbound_done> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        // Not sent: the callers hear so (an Idempotency-Key makes their retry safe).
        auto left = std::move(queue_);
        queue_.clear();
        lock.unlock();
        for (auto& [request, done] : left)
          done(make_error(errc::unavailable, "outbound HTTP: the node is stopping"));
        return;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next.second(perform_request(next.first, timeout_s_));
  }
}

}  // namespace aethex::app
