// What the load generators (chat/loadgen.cpp, viewers/loadgen.cpp) share: "--name value" option
// reading, and one io_context per thread so that thousands of sockets spread over the cores with
// no strands and no polymorphic executors on the hot path.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace bench {

/// Calls `set(name, value)` for every "--name value" pair of the command line; `set` throws for
/// a name it does not know. A name without a value is an error too.
template <class Setter>
void read_options(int argc, char** argv, Setter set) {
  for (int i = 1; i < argc; i += 2) {
    std::string name = argv[i];
    if (i + 1 >= argc)
      throw std::runtime_error("missing value for " + name);
    set(name, std::string{argv[i + 1]});
  }
}

/// `count` io_contexts, each run by a thread of its own until stop() (or destruction).
class io_threads {
 public:
  explicit io_threads(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    for (auto& io : contexts_)
      runners_.emplace_back([&io] { io->run(); });
  }
  ~io_threads() { stop(); }
  io_threads(const io_threads&) = delete;
  io_threads& operator=(const io_threads&) = delete;

  boost::asio::io_context& operator[](std::size_t i) { return *contexts_[i]; }
  std::size_t size() const { return contexts_.size(); }

  /// Stops every context at once (pending work is dropped) and joins the threads.
  void stop() {
    guards_.clear();
    for (auto& io : contexts_)
      io->stop();
    for (auto& r : runners_)
      if (r.joinable())
        r.join();
  }

 private:
  using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<guard> guards_;
  std::vector<std::thread> runners_;
};

}  // namespace bench
