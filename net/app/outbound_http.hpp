// The node's outbound HTTP transport (node_env::send_http): libcurl on a few worker threads of
// its own, so a slow or absent server never holds up an actor, and one webhook receiver that
// takes its whole timeout does not hold up a payment provider's call behind it. The queue is
// bounded: a request that does not fit is answered at once with an error rather than queued
// without end. Every request has a timeout (30 s, or the request's own), verifies TLS, speaks
// http/https only and follows no redirect; public_only requests reach public addresses only.
// Nothing of a request (its headers carry API keys) is logged.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "actors/core/outbound_http.hpp"

namespace aethex::app {

using outbound_done = std::function<void(caf::expected<actors::outbound_response>)>;

class outbound_http {
 public:
  explicit outbound_http(std::size_t max_queued = 1000, long timeout_s = 30,
                         std::size_t workers = 4);
  ~outbound_http();  // stop()
  outbound_http(const outbound_http&) = delete;
  outbound_http& operator=(const outbound_http&) = delete;

  /// Answers what is still queued with an error and ends the worker; later requests are
  /// answered with an error at once. The node calls it before its actor system goes.
  void stop();

  /// Queues `request`; `done` runs on the worker thread (or here, at once, when the queue is
  /// full or the transport is stopping).
  void send(actors::outbound_request request, outbound_done done);

 private:
  void run();

  std::size_t max_queued_;
  long timeout_s_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<actors::outbound_request, outbound_done>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

/// One request, sent now on the calling thread (the worker's step; tests call it too).
caf::expected<actors::outbound_response> perform_request(const actors::outbound_request& request,
                                                         long timeout_s);

}  // namespace aethex::app
