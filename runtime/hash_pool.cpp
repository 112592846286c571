#include "runtime/hash_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace aethex::runtime {
namespace {
thread_local bool pool_thread = false;
}  // namespace

hash_pool::hash_pool(options opt) : opt_{std::max(opt.threads, 1u), opt.max_queued, opt.nice} {
  threads_.reserve(opt_.threads);
  for (unsigned i = 0; i < opt_.threads; ++i)
    threads_.emplace_back([this] { work(); });
}

hash_pool::~hash_pool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& t : threads_)
    t.join();
}

bool hash_pool::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ || queue_.size() >= opt_.max_queued)
      return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

std::size_t hash_pool::queued() const {
  std::lock_guard lock{mutex_};
  return queue_.size();
}

std::size_t hash_pool::running() const {
  std::lock_guard lock{mutex_};
  return running_;
}

bool hash_pool::on_pool_thread() { return pool_thread; }

void hash_pool::work() {
  pool_thread = true;
  // Linux keeps a niceness per thread, inherited from the creator: this one's goes up by
  // opt_.nice (best effort; raising it needs no privilege).
  const auto tid = static_cast<id_t>(::gettid());
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0)
    (void)::setpriority(PRIO_PROCESS, tid, std::min(current + std::max(opt_.nice, 0), 19));
  std::unique_lock lock{mutex_};
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_)
      return;
    auto job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;  // whatever the job captured goes before the next one starts
    lock.lock();
    --running_;
  }
}

}  // namespace aethex::runtime
