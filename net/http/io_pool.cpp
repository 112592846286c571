#include "net/http/io_pool.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

namespace aethex::net::http {

io_pool::io_pool(unsigned loops) {
  for (unsigned i = 0; i < std::max(1u, loops); ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));  // run by one thread
    keep_running_.emplace_back(loops_.back()->get_executor());
  }
}

// Scrambled, not plain round-robin: clients that connect in a pattern (a page opening its
// media socket and then its playlist, a load tool alternating WebSocket and HLS players) would
// otherwise land every connection of one kind on the same loop — with two loops, all WebSocket
// viewers on one and all HLS players on the other, which filled that loop while the other idled.
// splitmix64 of a counter spreads any such pattern evenly and stays lock-free.
boost::asio::io_context& io_pool::next() {
  std::uint64_t x = next_.fetch_add(1, std::memory_order_relaxed) + 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return *loops_[x % loops_.size()];
}

void io_pool::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < loops_.size(); ++i)
    threads.emplace_back([loop = loops_[i].get()] { loop->run(); });
  loops_.front()->run();
  for (auto& thread : threads)
    thread.join();
}

void io_pool::stop() {
  for (auto& loop : loops_)
    loop->stop();
}

}  // namespace aethex::net::http
