// The interpreter and Tab completion against the real console service in-process: scripts that
// create and change channels, assert with expect, follow events, and fail the way scripts must.
#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "net/console/completion.hpp"
#include "tests/net/console/service_backend.hpp"

using namespace aethex::console;
using aethex::test::service_backend;

namespace {

struct session {
  service_backend node;
  std::ostringstream out;
  std::ostringstream err;
  std::atomic<bool> interrupted{false};

  interpreter make(bool json_output = false, bool stop_on_error = true) {
    interpreter_options o;
    o.json_output = json_output;
    o.stop_on_error = stop_on_error;
    o.out = &out;
    o.err = &err;
    o.interrupted = &interrupted;
    return interpreter{node, o};
  }

  exit_status run(const std::string& script, bool json_output = false, bool stop = true) {
    auto parsed = parse(script);
    REQUIRE_FALSE(parsed.error);
    auto interp = make(json_output, stop);
    interp.run(parsed.statements);
    return interp.status();
  }
};

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("a smoke-test script: variables, repeat, expect") {
  session s;
  auto status = s.run(R"(
    # create a channel and retitle it three times
    set ch = channel/alice
    send $ch create "Alice plays" --as alice
    repeat 3 {
      send $ch set-title "Round $i" --as alice
    }
    expect ask $ch status .title == "Round 3"
    expect ask $ch status .live == false
    expect events $ch --last 20 .events.length == 4
    expect events $ch .events[0].type == channel.created
    expect show $ch .version >= 4
    expect fail ask channel/nobody status .code == not_found
    expect fail send $ch set-title
    echo "all good for $ch"
  )");
  INFO(s.err.str());
  CHECK(status == exit_status::ok);
  CHECK(s.err.str().empty());
  auto out = s.out.str();
  CHECK(out.find("stream_key: live_alice_") != std::string::npos);
  CHECK(out.find("title: Round 3") != std::string::npos);
  CHECK(out.find("ok: expect ask channel/alice status .title == \"Round 3\"") != std::string::npos);
  CHECK(out.find("all good for channel/alice\n") != std::string::npos);
}

TEST_CASE("a failed expect stops the script with status 1 unless --keep-going") {
  session s;
  auto status = s.run(
    "send channel/bob create\n"
    "expect ask channel/bob status .live == true\n"
    "echo after\n");
  CHECK(status == exit_status::failed);
  CHECK(s.err.str().find("expect failed (line 2): .live is false, expected == true") !=
        std::string::npos);
  CHECK(s.out.str().find("after") == std::string::npos);

  session k;
  CHECK(k.run("ask channel/nobody status\necho after\n", false, false) == exit_status::failed);
  CHECK(k.out.str().find("after") != std::string::npos);
  CHECK(k.err.str() == "error: channel not found\n");
}

TEST_CASE("bad commands and undefined variables fail with one line") {
  session s;
  CHECK(s.run("frobnicate now") == exit_status::failed);
  CHECK(s.err.str() == "error: unknown command 'frobnicate' (try: help)\n");
  session v;
  CHECK(v.run("echo $nope") == exit_status::failed);
  CHECK(v.err.str().find("undefined variable $nope") != std::string::npos);
  session r;
  CHECK(r.run("repeat many { echo x }") == exit_status::failed);
  CHECK(r.err.str().find("repeat needs a count") != std::string::npos);
  session e;
  CHECK(e.run("expect echo hi") == exit_status::failed);
  session t;
  CHECK(t.run("tail") == exit_status::failed);
  CHECK(t.err.str().find("usage: tail") != std::string::npos);
}

TEST_CASE("--json prints one parseable object per command") {
  session s;
  auto status = s.run(
    "send channel/carol create\n"
    "ask channel/carol status\n"
    "expect ask channel/carol status .name == carol\n"
    "echo hi\n"
    "ask channel/carol nosuch\n",
    true, false);
  CHECK(status == exit_status::failed);
  auto lines = json_lines(s.out.str());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0]["ok"] == true);
  CHECK(lines[0]["command"] == "send channel/carol create");
  CHECK(lines[1]["result"]["name"] == "carol");
  CHECK(lines[1]["line"] == 2);
  CHECK(lines[2]["ok"] == true);
  CHECK(lines[2]["actual"] == "carol");
  CHECK(lines[3]["result"] == "hi");
  CHECK(lines[4]["ok"] == false);
  CHECK(lines[4]["error"]["code"] == "invalid_argument");
  CHECK(s.err.str().empty());
}

TEST_CASE("tail prints stored and new events, bounded by --count") {
  session s;
  REQUIRE(s.run("send channel/dave create; send channel/dave set-title one") == exit_status::ok);
  s.out.str("");
  CHECK(s.run("tail channel/dave --last 2 --count 2") == exit_status::ok);
  auto out = s.out.str();
  CHECK(out.find("#1") != std::string::npos);
  CHECK(out.find("channel.updated") != std::string::npos);
  s.out.str("");
  CHECK(s.run("tail channel/dave --for 200ms") == exit_status::ok);
  CHECK(s.out.str().empty());
  // Ctrl-C ends a tail without failing and is consumed by it: the script goes on.
  std::thread ctrl_c{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s.interrupted = true;
  }};
  CHECK(s.run("tail channel/dave\necho after") == exit_status::ok);
  ctrl_c.join();
  CHECK_FALSE(s.interrupted.load());
  CHECK(s.out.str() == "after\n");
}

TEST_CASE("an interrupt stops a running script") {
  session s;
  s.interrupted = true;
  CHECK(s.run("sleep 5s\necho never") == exit_status::interrupted);
  CHECK(s.out.str().empty());
}

TEST_CASE("help merges node and console commands") {
  session s;
  CHECK(s.run("help") == exit_status::ok);
  auto out = s.out.str();
  for (auto needle : {"events <kind/id>", "tail <kind/id>", "repeat <N>", "expect [fail]",
                      "send channel/ID set-title", "e.g. ask channel/alice status"})
    CHECK(out.find(needle) != std::string::npos);
  s.out.str("");
  CHECK(s.run("help sleep") == exit_status::ok);
  CHECK(s.out.str().find("sleep <duration>") != std::string::npos);
}

TEST_CASE("completion offers commands, kinds, ids and a kind's commands") {
  service_backend node;
  REQUIRE(node.run({"send", "channel/alice", "create"}).ok());
  REQUIRE(node.run({"send", "channel/alfred", "create"}).ok());
  completer c{node};
  using strings = std::vector<std::string>;
  CHECK(c.candidates("", "se") == strings{"send", "set"});
  CHECK(c.candidates("", "partitions") == strings{"partitions"});
  CHECK(c.candidates("ask ", "ch") == strings{"channel/", "chat/"});
  CHECK(c.candidates("ask ", "chan") == strings{"channel/"});
  CHECK(c.candidates("send chat/alice ", "s") == strings{"say", "slow"});
  CHECK(c.candidates("ask ", "channel/al") == strings{"channel/alfred", "channel/alice"});
  CHECK(c.candidates("show ", "channel/alic") == strings{"channel/alice"});
  CHECK(c.candidates("send channel/alice ", "set-") == strings{"set-category", "set-title"});
  CHECK(c.candidates("ask channel/alice ", "") == strings{"reveal-key", "status"});
  CHECK(c.candidates("expect ask ", "chan") == strings{"channel/"});
  CHECK(c.candidates("help ", "chan") == strings{"channel"});
  CHECK(c.candidates("echo ", "x").empty());
  // Ids are cached briefly, so Tab does not ask the node every time.
  auto calls = node.calls;
  c.candidates("ask ", "channel/");
  CHECK(node.calls == calls);
}
