#include "net/ws/out_queue.hpp"

#include <doctest/doctest.h>

#include <string>

#include "net/ws/ws_frame.hpp"

using namespace aethex::net::ws;

namespace {

shared_frame frame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// Writes at most `limit` bytes of the queue, as a socket taking part of them would.
std::string write(out_queue& q, std::size_t limit = SIZE_MAX) {
  out_queue::buffers bufs;
  q.gather(bufs);
  std::string out;
  for (auto& b : bufs)
    out.append(static_cast<const char*>(b.data()), b.size());
  out.resize(std::min(out.size(), limit));
  q.consume(out.size());
  return out;
}

std::string message(const std::string& payload) {
  std::array<char, 11> head{};
  auto n = frame_head(head, opcode::text, payload.size());
  return std::string(head.data(), n) + payload;
}

}  // namespace

TEST_CASE("out_queue: frames queued together leave as one JSON array; batches are spliced") {
  out_queue q;
  q.push(frame(R"({"a":1})"));
  q.push(frame(R"([{"b":2},{"c":3}])"));
  q.push_raw("PING");
  q.push(frame(R"({"d":4})"));
  CHECK(write(q) == message(R"([{"a":1},{"b":2},{"c":3}])") + "PING" + message(R"({"d":4})"));
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
}

TEST_CASE("out_queue: a message being written keeps its framing; later frames form the next") {
  out_queue q;
  q.push_started(frame("0123456789"), 5);  // header (2 bytes) and "012" are out already
  q.push(frame(R"({"x":1})"));
  CHECK(write(q, 4) == "3456");  // {"x":1} was framed by this write: it stays a message alone
  q.push(frame(R"({"y":2})"));
  q.push(frame(R"({"z":3})"));
  CHECK(write(q) == "789" + message(R"({"x":1})") + message(R"([{"y":2},{"z":3}])"));
  CHECK(q.empty());
}
