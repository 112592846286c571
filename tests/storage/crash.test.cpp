// Kills a writer process (storage_crash_writer) at random moments and checks after each kill that
// the store opens, every acknowledged append is durable and intact, and projections catch up with
// exactly-once effect.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>

#include "actors/channel/channel_directory.hpp"
#include "storage/event_store.hpp"
#include "temp_dir.hpp"
#include "test_projections.hpp"

using namespace aethex::storage;
using aethex::actors::channel_directory;
using namespace std::chrono_literals;
using aethex::storage::testing::temp_dir;

namespace {

using acked_versions = std::map<std::string, std::uint64_t>;  // stream → highest acked version

void parse_acks(std::string& buffer, acked_versions& acked) {
  std::size_t end;
  while ((end = buffer.find('\n')) != std::string::npos) {
    std::istringstream line(buffer.substr(0, end));
    buffer.erase(0, end + 1);
    std::string stream;
    std::uint64_t version = 0;
    line >> stream >> version;
    auto& highest = acked[stream];
    highest = std::max(highest, version);
  }
}

// Runs the writer until `run_for` has passed, kills it, and returns the acks it reported.
acked_versions run_and_kill(const std::filesystem::path& dir, std::chrono::milliseconds run_for) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string dir_arg = dir.string(), fd_arg = std::to_string(fds[1]);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::execl(STORAGE_CRASH_WRITER, STORAGE_CRASH_WRITER, dir_arg.c_str(), fd_arg.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  acked_versions acked;
  std::string buffer;
  char chunk[4096];
  const auto kill_at = std::chrono::steady_clock::now() + run_for;
  bool killed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      kill_at - std::chrono::steady_clock::now());
    if (!killed && left <= 0ms) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    ::poll(&p, 1, killed ? 1000 : static_cast<int>(std::max<std::int64_t>(left.count(), 1)));
    if (p.revents & (POLLIN | POLLHUP)) {
      const auto n = ::read(fds[0], chunk, sizeof chunk);
      if (n <= 0)
        break;  // EOF: the writer is gone (killed, or died on its own)
      buffer.append(chunk, static_cast<std::size_t>(n));
      parse_acks(buffer, acked);
    }
  }
  ::close(fds[0]);
  if (!killed)
    ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("writer exit status " << status);
  CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
  return acked;
}

void verify_after_crash(const std::filesystem::path& dir, const acked_versions& acked) {
  auto store = event_store::open(dir / "events");  // must not throw: recovery works
  for (const auto& entry : acked) {
    // Named copies, not structured bindings: clang 14 (sanitizer build) cannot capture those in
    // INFO's lambda.
    const auto& stream = entry.first;
    const auto version = entry.second;
    INFO("stream " << stream << " acked version " << version);
    CHECK(store->version(stream) >= version);
  }
  std::uint64_t total = 0;
  for (const auto& stream : store->list_streams("channel/")) {
    const auto events = store->read_stream(stream, 1);
    REQUIRE(events.size() == store->version(stream));
    std::size_t damaged = 0;  // counted, not asserted one by one: streams hold thousands of events
    for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i].seq != i + 1 ||
          events[i].data.payload.find(R"("seq":)" + std::to_string(i + 1) + "}") ==
            std::string::npos)
        ++damaged;
    CHECK_MESSAGE(damaged == 0, stream);
    if (auto snap = store->load_snapshot(stream)) {
      CHECK(snap->version <= events.size());
      CHECK(snap->state == std::to_string(snap->version));
    }
    total += events.size();
  }
  CHECK(store->global_head() == total);

  projection_runner runner(*store, dir / "read.db");
  runner.add(std::make_unique<channel_directory>());
  runner.add(std::make_unique<testing::event_counter>());
  runner.catch_up();
  CHECK(runner.checkpoint(channel_directory::projection_name) == store->global_head());
  CHECK(runner.checkpoint("event_counter") == store->global_head());
  // Exactly once: the counter equals the number of events, never more or less.
  CHECK(testing::event_counter::count(runner.db()) ==
        static_cast<std::int64_t>(store->global_head()));
  for (const auto& stream : store->list_streams("channel/")) {
    const auto last = store->read_stream(stream, store->version(stream), 1);
    auto row = channel_directory::find(runner.db(), stream.substr(8));
    REQUIRE(row);
    CHECK(row->live == (last.at(0).data.type == "channel.went_live"));
  }
}

}  // namespace

TEST_CASE("acknowledged appends survive SIGKILL at random moments") {
  temp_dir dir("crash");
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> run_ms(40, 450);
  const auto started = std::chrono::steady_clock::now();
  acked_versions all_acked;
  int kills = 0;
  // 24 kills take well under 35 s in a normal build; the budget leaves room for sanitizer builds,
  // where each restart of the writer and each recovery is several times slower.
  for (; kills < 24 && std::chrono::steady_clock::now() - started < 100s; ++kills) {
    const auto acked = run_and_kill(dir.path(), std::chrono::milliseconds(run_ms(rng)));
    for (const auto& [stream, version] : acked)
      all_acked[stream] = std::max(all_acked[stream], version);
    verify_after_crash(dir.path(), all_acked);
  }
  std::uint64_t total = 0;
  for (const auto& [stream, version] : all_acked)
    total += version;
  MESSAGE(kills << " kills, " << total << " acknowledged events");
  CHECK(kills >= 20);
  CHECK(total > 0);
}
