// `aethex console` against a real node: scripts (-f), stdin, --json, tail over the WebSocket,
// exit statuses for bad tokens, bad input and unreachable nodes, and the interactive prompt
// (completion, history) driven through tmux.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string{"'\\''"} : std::string{c};
  return out + "'";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct console_run {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `aethex console` with `input` on stdin (not a terminal) and stdout/stderr kept apart.
console_run run_console(const test_node& node, const std::vector<std::string>& args,
                        const std::string& input = "", bool with_data = true) {
  auto dir = fresh_temp_dir("aethex-console-run");
  std::ofstream(dir / "in.txt") << input;
  std::string cmd = "exec env -u AETHEX_TOKEN " + sh_quote(AETHEX_BINARY) + " console";
  if (std::find(args.begin(), args.end(), "--connect") == args.end())
    cmd += " --connect " + sh_quote("127.0.0.1:" + std::to_string(node.http_port));
  if (with_data)
    cmd += " --data " + sh_quote(node.data_dir.string());
  for (auto& arg : args)
    cmd += " " + sh_quote(arg);
  cmd += " < " + sh_quote((dir / "in.txt").string()) + " 2> " +
         sh_quote((dir / "err.txt").string());
  auto result = run({"/bin/sh", "-c", cmd}, 30s);
  console_run r{result.status, result.output, slurp(dir / "err.txt")};
  std::filesystem::remove_all(dir);
  return r;
}

std::string admin_token(const test_node& node) {
  std::string token;
  std::ifstream(node.data_dir / "admin.token") >> token;
  return token;
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("console: scripts, stdin, --json, tail and exit statuses against a real node") {
  test_node node{"console"};
  auto token = admin_token(node);
  REQUIRE(token.size() == 64);

  {  // a script file creates a channel, posts chat as a bot, reads events and asserts
    node.create_channel("bob");  // `aethex channel create` and the console see the same node
    auto script = node.out_dir / "smoke.aex";
    std::ofstream(script) << R"(# smoke test of a fresh node
set ch = channel/alice
send $ch create "Alice plays" --as alice
repeat 2 {
  send $ch set-title "Round $i" --as alice
}
expect ask $ch status .title == "Round 2"
expect ask $ch status .live == false
expect events $ch --last 20 .events.length == 3
expect events $ch --last 20 .events[0].type == channel.created
expect events $ch --last 1 .events[0].payload.title == "Round 2"
expect show channel/bob .version == 1
expect ls channel/ .entities.length == 2
expect fail ask channel/nobody status .code == not_found
send chat/alice say "hello from the bot" --as bot
expect ask chat/alice history .messages[-1].text == "hello from the bot"
expect ask chat/alice history .messages[-1].user == bot
expect events chat/alice --last 1 .events[0].type == chat.message
echo done with $ch
)";
    auto r = run_console(node, {"-f", script.string()});
    INFO(r.out, r.err);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("ok: expect ask channel/alice status .title == \"Round 2\"") !=
          std::string::npos);
    CHECK(r.out.find("done with channel/alice") != std::string::npos);
    CHECK(r.out.find(token) == std::string::npos);

    auto failing = node.out_dir / "failing.aex";
    std::ofstream(failing) << "expect ask channel/alice status .live == true\necho not reached\n";
    auto f = run_console(node, {"-f", failing.string()});
    CHECK(f.status == 1);
    CHECK(f.err.find("expect failed (line 1): .live is false, expected == true") !=
          std::string::npos);
    CHECK(f.out.find("not reached") == std::string::npos);
  }

  {  // stdin with --json prints one JSON object per command
    auto r = run_console(node, {"--json"},
                         "send channel/carol create Carol\n"
                         "ask channel/carol status\n"
                         "events channel/carol --last 5\n"
                         "nodes\n");
    INFO(r.out, r.err);
    CHECK(r.status == 0);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 4);
    for (auto& line : lines)
      CHECK(line["ok"] == true);
    CHECK(lines[0]["result"]["stream_key"].get<std::string>().rfind("live_carol_", 0) == 0);
    CHECK(lines[1]["command"] == "ask channel/carol status");
    CHECK(lines[1]["result"]["title"] == "Carol");
    CHECK(lines[2]["result"]["events"][0]["type"] == "channel.created");
    CHECK(lines[2]["result"]["events"][0]["payload"]["stream_key"] == "[redacted]");
    CHECK(lines[3]["result"]["nodes"][0]["self"] == true);
  }

  {  // tail follows new events over the WebSocket
    REQUIRE(run_console(node, {}, "send channel/dave create\n").status == 0);
    auto dir = fresh_temp_dir("aethex-console-tail");
    std::ofstream(dir / "in.txt") << "tail channel/dave --count 2 --for 20s\n";
    child_process tail{{"/bin/sh", "-c",
                        "exec " + sh_quote(AETHEX_BINARY) +
                          " console --json --connect 127.0.0.1:" + std::to_string(node.http_port) +
                          " --data " + sh_quote(node.data_dir.string()) + " < " +
                          sh_quote((dir / "in.txt").string())},
                       dir / "out.txt"};
    std::this_thread::sleep_for(1s);  // the tail starts after the stored events
    REQUIRE(run_console(node, {},
                        "send channel/dave set-title first\n"
                        "send channel/dave set-category music\n")
              .status == 0);
    auto status = tail.wait(20s);
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    auto lines = json_lines(tail.log());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["event"]["seq"] == 2);
    CHECK(lines[0]["event"]["payload"]["title"] == "first");
    CHECK(lines[1]["event"]["seq"] == 3);
    CHECK(lines[1]["event"]["stream"] == "channel/dave");
    std::filesystem::remove_all(dir);
  }

  {  // a wrong token is refused (exit 2) and no token is printed
    auto r = run_console(node, {"--token", "0123456789abcdef"}, "ask channel/alice status\n",
                         false);
    CHECK(r.status == 2);
    CHECK(r.err == "error: the node refused the admin token (a valid admin token is required)\n");
    CHECK(r.err.find("0123456789abcdef") == std::string::npos);
    auto t = run_console(node, {"--token", "0123456789abcdef"}, "tail channel/alice\n", false);
    CHECK(t.status == 2);
    auto none = run_console(node, {"--data", "/nonexistent"}, "nodes\n", false);
    CHECK(none.status == 2);
    CHECK(none.err.find("no admin token") != std::string::npos);
  }

  {  // unknown entity, unknown command and a malformed line
    auto kind = run_console(node, {}, "ask dragon/smaug status\n");
    CHECK(kind.status == 1);
    CHECK(kind.err.rfind("error: unknown entity kind 'dragon' (known: ", 0) == 0);
    auto missing = run_console(node, {}, "show channel/nobody\n");
    CHECK(missing.status == 1);
    CHECK(missing.err == "error: no entity channel/nobody (no events)\n");
    auto command = run_console(node, {}, "launch rockets\n");
    CHECK(command.status == 1);
    CHECK(command.err == "error: unknown command 'launch' (try: help)\n");
    auto syntax = run_console(node, {}, "nodes\nask channel/alice \"status\n");
    CHECK(syntax.status == 2);
    CHECK(syntax.err == "stdin:2: syntax error: unterminated \" quote\n");
    CHECK(syntax.out.find("NODE") != std::string::npos);  // the line before it ran
    auto keep = run_console(node, {"--keep-going"}, "ask dragon/x status\necho still here\n");
    CHECK(keep.status == 1);
    CHECK(keep.out == "still here\n");
  }

  {  // an unreachable node exits with 3
    auto r = run_console(node, {"--connect", "127.0.0.1:" + std::to_string(free_tcp_port())},
                         "nodes\n");
    CHECK(r.status == 3);
    CHECK(r.err.find("cannot reach node at 127.0.0.1:") != std::string::npos);
    auto usage = run_console(node, {"--no-such-flag"});
    CHECK(usage.status == 2);
  }
}

TEST_CASE("console: the interactive prompt completes and keeps history (tmux)") {
  REQUIRE_MESSAGE(on_path("tmux"), "tmux is required (scripts/setup installs it)");
  test_node node{"console_tty"};
  auto token = admin_token(node);
  REQUIRE(run_console(node, {}, "send channel/alice create\n").status == 0);
  auto home = fresh_temp_dir("aethex-console-home");
  auto socket = "aethex-console-" + std::to_string(::getpid());
  auto tmux = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-L", socket});
    return run(args, 10s);
  };
  auto pane = [&] { return tmux({"capture-pane", "-p", "-t", "console"}).output; };
  auto shows = [&](const std::string& text) {
    if (eventually([&] { return pane().find(text) != std::string::npos; }, 10s))
      return true;
    MESSAGE("waited for '" << text << "'; the screen shows:\n" << pane());
    return false;
  };
  auto start = [&] {
    auto cmd = "env -u AETHEX_TOKEN HOME=" + sh_quote(home.string()) + " " +
               sh_quote(AETHEX_BINARY) +
               " console --connect 127.0.0.1:" + std::to_string(node.http_port) + " --data " +
               sh_quote(node.data_dir.string());
    REQUIRE(tmux({"new-session", "-d", "-s", "console", "-x", "150", "-y", "40", cmd}).status == 0);
    REQUIRE(shows("aethex>"));  // capture-pane drops trailing blanks
  };

  start();
  tmux({"send-keys", "-t", "console", "ask chan", "Tab"});
  CHECK(shows("aethex> ask channel/"));
  tmux({"send-keys", "-t", "console", "al", "Tab"});
  CHECK(shows("aethex> ask channel/alice"));
  tmux({"send-keys", "-t", "console", "st", "Tab"});
  CHECK(shows("aethex> ask channel/alice status"));
  tmux({"send-keys", "-t", "console", "Enter"});
  CHECK(shows("owner: admin"));
  // A bad line prints one error and the prompt goes on.
  tmux({"send-keys", "-t", "console", "ask channel/alice dance", "Enter"});
  CHECK(shows("error: unknown query 'dance'"));
  tmux({"send-keys", "-t", "console", "nodes", "Enter"});
  CHECK(shows("(this)"));
  auto first_pane = pane();
  tmux({"send-keys", "-t", "console", "C-d"});
  CHECK(eventually([&] { return tmux({"has-session", "-t", "console"}).status != 0; }, 10s));

  auto history = slurp(home / ".aethex_history");
  CHECK(history.find("dance") != std::string::npos);
  CHECK(history.find(token) == std::string::npos);
  CHECK(first_pane.find(token) == std::string::npos);

  // A new console recalls the previous session's lines with the Up arrow.
  start();
  tmux({"send-keys", "-t", "console", "Up"});
  CHECK(shows("aethex> nodes"));
  tmux({"send-keys", "-t", "console", "Up", "Up"});
  CHECK(shows("aethex> ask channel/alice status"));
  tmux({"send-keys", "-t", "console", "C-u", "exit", "Enter"});
  CHECK(eventually([&] { return tmux({"has-session", "-t", "console"}).status != 0; }, 10s));
  tmux({"kill-server"});
  std::filesystem::remove_all(home);
}
