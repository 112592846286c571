#include "net/app/outbound_http.hpp"

#include <memory>
#include <string>

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

}  // namespace

caf::expected<actors::outbound_response> perform_request(const actors::outbound_request& request,
                                                         long timeout_s) {
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
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (auto rc = curl_easy_perform(h); rc != CURLE_OK)
    // curl's message names the host at most, never a header: safe to pass on.
    return make_error(errc::unavailable, std::string{"outbound HTTP: "} + curl_easy_strerror(rc));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

outbound_http::outbound_http(std::size_t max_queued, long timeout_s)
    : max_queued_(max_queued), timeout_s_(timeout_s) {
  // Before the worker exists: libcurl's global setup is not safe to race.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  worker_ = std::thread{[this] { run(); }};
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
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id())
    worker_.join();
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
