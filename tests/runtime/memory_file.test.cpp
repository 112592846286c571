#include "runtime/memory_file.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <vector>

using aethex::runtime::memory_file;

namespace {
std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::transform(text.begin(), text.end(), out.begin(), [](char c) { return std::byte(c); });
  return out;
}
}  // namespace

TEST_CASE("a memory file keeps what was appended, in order, and reads ranges back clamped") {
  auto file = memory_file::create();
  REQUIRE(file);
  CHECK(file->size() == 0);
  CHECK(file->read(0, 10).empty());
  REQUIRE(file->append(bytes_of("hello ")));
  REQUIRE(file->append(bytes_of("world")));
  REQUIRE(file->append({}));
  CHECK(file->size() == 11);
  CHECK(file->read(0, 11) == "hello world");
  CHECK(file->read(6, 100) == "world");
  CHECK(file->read(20, 5).empty());
}

TEST_CASE("a range already appended is sent with sendfile while appends go on past it") {
  auto file = memory_file::create();
  REQUIRE(file);
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  REQUIRE(file->append(bytes_of(big)));
  std::array<int, 2> pair{};
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair.data()) == 0);
  off_t offset = 1000;
  const auto sent = ::sendfile(pair[0], file->fd(), &offset, 3000);
  REQUIRE(sent == 3000);
  REQUIRE(file->append(bytes_of("tail")));  // never disturbs what was sent
  std::string got(3000, '\0');
  std::size_t have = 0;
  while (have < got.size()) {
    auto n = ::read(pair[1], got.data() + have, got.size() - have);
    REQUIRE(n > 0);
    have += static_cast<std::size_t>(n);
  }
  CHECK(got == big.substr(1000, 3000));
  CHECK(file->read(big.size(), 10) == "tail");
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST_CASE("every file has its own descriptor, closed with the last owner") {
  auto a = memory_file::create();
  auto b = memory_file::create();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->fd() != b->fd());
  const int fd = a->fd();
  a.reset();
  CHECK(::fcntl(fd, F_GETFD) == -1);
}
