// Small owning wrappers around libsrt's integer handles (library instance, socket, epoll id).
#pragma once

#include <srt/srt.h>

#include <string>
#include <utility>

namespace aethex::net::srt {

/// The message of libsrt's last error on this thread.
inline std::string last_error() { return srt_getlasterror_str(); }

/// One reference on libsrt's own instance count (srt_startup/srt_cleanup are counted inside).
class library {
 public:
  library() { srt_startup(); }
  ~library() { srt_cleanup(); }
  library(const library&) = delete;
  library& operator=(const library&) = delete;
};

class socket {
 public:
  socket() = default;
  explicit socket(SRTSOCKET s) : s_(s) {}
  ~socket() { reset(); }
  socket(socket&& other) noexcept : s_(std::exchange(other.s_, SRT_INVALID_SOCK)) {}
  socket& operator=(socket&& other) noexcept {
    if (this != &other) {
      reset();
      s_ = std::exchange(other.s_, SRT_INVALID_SOCK);
    }
    return *this;
  }

  SRTSOCKET get() const { return s_; }
  explicit operator bool() const { return s_ != SRT_INVALID_SOCK; }
  void reset() {
    if (s_ != SRT_INVALID_SOCK)
      srt_close(std::exchange(s_, SRT_INVALID_SOCK));
  }

 private:
  SRTSOCKET s_ = SRT_INVALID_SOCK;
};

class epoll {
 public:
  epoll() : id_(srt_epoll_create()) {}
  ~epoll() {
    if (id_ >= 0)
      srt_epoll_release(id_);
  }
  epoll(const epoll&) = delete;
  epoll& operator=(const epoll&) = delete;

  int get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

 private:
  int id_ = -1;
};

}  // namespace aethex::net::srt
