// The mailer: address checks, the RFC 5322 rendering, the file outbox, and a relay that is not
// there (counted as failed, never blocking the caller). Delivery through a real SMTP server is
// in tests/e2e/notifications.test.cpp.
#include "net/mail/mailer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/storage/temp_dir.hpp"

using namespace aethex::net::mail;
using namespace std::chrono_literals;

namespace {

template <class F>
bool eventually(F done) {
  for (int i = 0; i < 200 && !done(); ++i)
    std::this_thread::sleep_for(25ms);
  return done();
}

}  // namespace

TEST_CASE("addresses that could inject headers or commands are refused") {
  CHECK(valid_address("ada@example.org"));
  CHECK(valid_address("a.b+tag@sub.example.org"));
  for (auto* bad : {"", "ada", "@example.org", "ada@", "a@b@c", "ada @example.org",
                    "ada@example.org\r\nBcc: x@y", "<ada@example.org>", "ada@example.org,b@c"})
    CHECK_MESSAGE(!valid_address(bad), bad);
}

TEST_CASE("a message renders as RFC 5322 text with CRLF lines and an encoded subject") {
  auto text = render({"ada@example.org", "nova is live: Ünïcode", "line one\nline two"},
                     "AeThex <n@example.org>", 1'800'000'000'000);
  CHECK(text.starts_with("From: AeThex <n@example.org>\r\nTo: <ada@example.org>\r\n"));
  CHECK(text.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(text.find("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n") != std::string::npos);
  CHECK(text.find("\r\n\r\nline one\r\nline two\r\n") != std::string::npos);
  CHECK(text.find("\n\n") == std::string::npos);  // no bare LF anywhere
}

TEST_CASE("without a relay, mail lands in the outbox as .eml files; bad mail is dropped") {
  aethex::storage::testing::temp_dir dir;
  stats figures;
  {
    mailer m{{"", "AeThex <n@example.org>", dir.path() / "outbox"}};
    CHECK_FALSE(m.uses_relay());
    CHECK(m.send({"ada@example.org", "hello", "body"}));
    CHECK_FALSE(m.send({"not an address", "hello", "body"}));
    CHECK_FALSE(m.send({"ada@example.org", "two\r\nlines", "body"}));
    REQUIRE(eventually([&] { return m.figures().sent == 1; }));
    figures = m.figures();
  }
  CHECK(figures.dropped == 2);
  std::vector<std::filesystem::path> files;
  for (auto& entry : std::filesystem::directory_iterator(dir.path() / "outbox"))
    files.push_back(entry.path());
  REQUIRE(files.size() == 1);
  CHECK(files[0].extension() == ".eml");
  std::ifstream in(files[0]);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find("To: <ada@example.org>") != std::string::npos);
}

TEST_CASE("a relay that cannot be reached counts failures and never blocks the sender") {
  mailer m{{"smtp://127.0.0.1:1", "n@example.org", {}}};
  CHECK(m.uses_relay());
  auto start = std::chrono::steady_clock::now();
  CHECK(m.send({"ada@example.org", "hello", "body"}));
  CHECK(std::chrono::steady_clock::now() - start < 100ms);
  CHECK(eventually([&] { return m.figures().failed == 1; }));
  CHECK(m.figures().sent == 0);
}
