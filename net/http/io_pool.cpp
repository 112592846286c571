#include "net/http/io_pool.hpp"

#include <algorithm>
#include <thread>

namespace aethex::net::http {

io_pool::io_pool(unsigned loops) {
  for (unsigned i = 0; i < std::max(1u, loops); ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));  // run by one thread
    keep_running_.emplace_back(loops_.back()->get_executor());
  }
}

boost::asio::io_context& io_pool::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
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
