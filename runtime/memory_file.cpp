#include "runtime/memory_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace aethex::runtime {

std::shared_ptr<memory_file> memory_file::create() {
  // Close-on-exec: a transcoder or other child process must not inherit live media files.
  const int fd = ::memfd_create("aethex-media", MFD_CLOEXEC);
  if (fd < 0)
    return nullptr;
  return std::shared_ptr<memory_file>{new memory_file{fd}};
}

std::shared_ptr<memory_file> memory_file::open_read_only(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  std::shared_ptr<memory_file> file{new memory_file{fd}};
  file->size_ = static_cast<std::size_t>(st.st_size);
  file->read_only_ = true;
  return file;
}

memory_file::~memory_file() { ::close(fd_); }

bool memory_file::append(std::span<const std::byte> bytes) {
  if (read_only_)
    return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                            static_cast<off_t>(size_ + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  size_ += done;
  return true;
}

std::string memory_file::read(std::size_t offset, std::size_t count) const {
  offset = std::min(offset, size_);
  count = std::min(count, size_ - offset);
  std::string out(count, '\0');
  std::size_t done = 0;
  while (done < count) {
    const auto n = ::pread(fd_, out.data() + done, count - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace aethex::runtime
