// An append-only file in memory (memfd_create): what a live segment's bytes are kept in so that
// every player fetching it is answered with sendfile(2). The kernel then sends the file's pages
// without copying them into each socket (as nginx does with the files it serves); from heap
// buffers every answer copied the whole segment once more (~12 % of the node's CPU with 7,000
// players). Bytes once appended never change, so any number of connections may send a range
// that was appended while the writer goes on appending past it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace aethex::runtime {

class memory_file {
 public:
  /// A new empty file, or nullptr when the system refuses one (out of descriptors or memory):
  /// callers keep the bytes in their own buffers then.
  static std::shared_ptr<memory_file> create();
  /// A file on disk served the same way (a VOD's recording): its bytes so far, read-only
  /// (append() is refused). nullptr when it cannot be opened.
  static std::shared_ptr<memory_file> open_read_only(const std::filesystem::path& path);
  ~memory_file();
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;

  /// Appends `bytes` at the end. False when the system could not take them all (out of
  /// memory): the file is then unusable past its old size, which stays what size() says.
  bool append(std::span<const std::byte> bytes);
  /// Bytes appended so far. Call from the appending thread (or under its lock).
  std::size_t size() const { return size_; }
  /// The descriptor, for sendfile(2). Owned by this object.
  int fd() const { return fd_; }
  /// A copy of [offset, offset + count), clamped to the size appended (tests, fallbacks).
  std::string read(std::size_t offset, std::size_t count) const;

 private:
  explicit memory_file(int fd) : fd_(fd) {}
  int fd_;
  std::size_t size_ = 0;
  bool read_only_ = false;
};

}  // namespace aethex::runtime
