// Scripted bots (docs/bots.md): the sandbox's limits and what it leaves out, the engine's
// commands (templates, script, built-ins), permission levels, cooldowns and timers on explicit
// clock values, and bot/<channel> through a real registry (its configuration after a restart).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "actors/bots/bot.hpp"
#include "actors/bots/engine.hpp"
#include "actors/bots/sandbox.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace aethex::actors::bots;
using json = nlohmann::json;

namespace {

host_view bot_host(std::int64_t now_ms, std::int64_t live_since_ms = 0) {
  return host_view{"alice", now_ms, live_since_ms};
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
    .count();
}

bot_config scripted(std::string script) {
  bot_config c;
  c.enabled = true;
  c.script = std::move(script);
  return c;
}

chat_line said_by(std::string user, std::string text, level l = level::everyone) {
  return chat_line{std::move(user), std::move(text), l};
}

}  // namespace

TEST_CASE("a script that loops forever is stopped within its instruction budget") {
  for (const char* source :
       {"while true do end", "while true do pcall(function() while true do end end) end",
        "local function f() return f() end while true do pcall(f) end"}) {
    CAPTURE(source);
    lua_sandbox sandbox;
    auto start = std::chrono::steady_clock::now();
    auto result = sandbox.load(source, bot_host(0));
    auto took = elapsed_ms(start);
    MESSAGE("stopped after " << took << " ms");
    CHECK(took < 500);
    CHECK_FALSE(sandbox.running());
    REQUIRE(sandbox.stopped());
    CHECK(*sandbox.stopped() == "instruction budget exceeded");
  }
}

TEST_CASE("a memory bomb is stopped at the memory limit") {
  for (const char* source :
       {"local t = {} while true do t[#t + 1] = string.rep('x', 1000) .. #t end",
        "local s = string.rep('x', 1e8)",
        "local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)"}) {
    CAPTURE(source);
    lua_sandbox sandbox;
    auto result = sandbox.load(source, bot_host(0));
    CHECK_FALSE(sandbox.running());
    REQUIRE(sandbox.stopped());
    CHECK(*sandbox.stopped() == "memory limit exceeded");
    CHECK(sandbox.memory_used() == 0);  // the state is closed
  }
}

TEST_CASE("a loop inside a command stops the script; the next script runs again") {
  engine e;
  auto config = scripted(
    "bot.command('spin', function() while true do end end)\n"
    "bot.command('ok', function() return 'fine' end)");
  auto started = e.start(config, bot_host(0));
  CHECK(e.script_running());
  auto r = e.on_chat(config, said_by("bob", "!spin"), bot_host(1000));
  REQUIRE(r.stopped);
  CHECK(*r.stopped == "instruction budget exceeded");
  CHECK_FALSE(e.script_running());
  CHECK(e.on_chat(config, said_by("bob", "!ok"), bot_host(2000)).say.empty());
  e.start(config, bot_host(3000));
  CHECK(e.on_chat(config, said_by("bob", "!ok"), bot_host(4000)).say ==
        std::vector<std::string>{"fine"});
}

TEST_CASE("the sandbox has no io, os, require, load, bytecode or debug") {
  lua_sandbox sandbox;
  auto result = sandbox.load(
    "print(io, os, require, package, debug, load, loadfile, dofile, string.dump, "
    "collectgarbage, coroutine, xpcall)",
    bot_host(0));
  REQUIRE(result.printed.size() == 1);
  CHECK(result.printed[0] == "nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil");
  CHECK(lua_sandbox::compile_error("x = = 1").value_or("").find("script:1:") == 0);
  // Bytecode is refused even when it gets here: a chunk is loaded as text only.
  CHECK(lua_sandbox::compile_error("\x1bLua").has_value());
  CHECK_FALSE(lua_sandbox::compile_error("return 1").has_value());
}

TEST_CASE("template commands: $(user), $(touser), $(count), $(uptime), $(1)") {
  engine e;
  bot_config config;
  config.enabled = true;
  auto hello = parse_template_command("hello", json{{"response", "Hello $(user)!"}});
  REQUIRE(hello);
  config.commands["hello"] = *hello;
  auto hug = parse_template_command(
    "hug", json{{"response", "$(user) hugs $(touser) ($(count)) $(1) $(nope)"}, {"cooldown_s", 0}});
  REQUIRE(hug);
  config.commands["hug"] = *hug;
  auto r = e.on_chat(config, said_by("bob", "!HELLO"), bot_host(1000));
  CHECK(r.say == std::vector<std::string>{"Hello bob!"});
  r = e.on_chat(config, said_by("bob", "!hug carol"), bot_host(1000));
  CHECK(r.say == std::vector<std::string>{"bob hugs carol (1) carol $(nope)"});
  CHECK(r.counted == "hug");
  CHECK(render_template("up $(uptime)", said_by("b", "!x"), parsed_command{"x", {}},
                        bot_host(3'723'000, 1), 0) == "up 1h 2m 2s");
  CHECK(e.on_chat(config, said_by("bob", "!uptime"), bot_host(5000)).say ==
        std::vector<std::string>{"alice is offline"});
  CHECK(e.on_chat(config, said_by("bob", "hello there"), bot_host(5000)).say.empty());
  CHECK_FALSE(parse_template_command("Bad!", json{{"response", "x"}}));
  CHECK_FALSE(parse_template_command("ok", json{{"response", "x"}, {"level", "king"}}));
  CHECK_FALSE(parse_template_command("ok", json{{"response", ""}}));
  CHECK_FALSE(parse_template_command("ok", json{{"response", "x"}, {"extra", 1}}));
}

TEST_CASE("cooldowns count on the given clock; permission levels are checked") {
  engine e;
  auto config = scripted(
    "bot.command('so', {cooldown = 10, level = 'moderator'}, function(ctx)\n"
    "  return 'Go follow ' .. (ctx.args[1] or '?') .. ' (' .. ctx.level .. ')'\n"
    "end)");
  e.start(config, bot_host(0));
  auto viewer = e.on_chat(config, said_by("bob", "!so carol"), bot_host(1000));
  CHECK(viewer.say.empty());
  REQUIRE_FALSE(viewer.log.empty());
  CHECK(viewer.log[0].kind == "denied");
  auto mod = e.on_chat(config, said_by("mia", "!so carol", level::moderator), bot_host(1000));
  CHECK(mod.say == std::vector<std::string>{"Go follow carol (moderator)"});
  CHECK(
    e.on_chat(config, said_by("mia", "!so dan", level::moderator), bot_host(10'999)).say.empty());
  CHECK(e.on_chat(config, said_by("mia", "!so dan", level::broadcaster), bot_host(11'000)).say ==
        std::vector<std::string>{"Go follow dan (broadcaster)"});
  CHECK(level_of_badges({"subscriber/1/3", "vip"}) == level::vip);
  CHECK(level_of_badges({"broadcaster"}) == level::broadcaster);
  CHECK(level_of_badges({"achievement/chess/x"}) == level::everyone);
}

TEST_CASE("timers run on the clock they are given; events reach their handlers") {
  engine e;
  auto config = scripted(
    "local n = 0\n"
    "bot.every(60, function() n = n + 1 bot.say('tick ' .. n) end)\n"
    "bot.on('channel.follow', function(ev) bot.say('thanks ' .. ev.user) end)\n"
    "bot.on('chat.message', function(m) if m.text == 'hi' then "
    "bot.say('hey ' .. m.user) end end)");
  e.start(config, bot_host(0));
  CHECK(e.next_timer_ms() == 60'000);
  CHECK(e.on_tick(bot_host(59'999)).say.empty());
  CHECK(e.on_tick(bot_host(60'000)).say == std::vector<std::string>{"tick 1"});
  CHECK(e.on_tick(bot_host(100'000)).say.empty());
  CHECK(e.on_tick(bot_host(120'000)).say == std::vector<std::string>{"tick 2"});
  CHECK(e.on_event("channel.follow", json{{"user", "carol"}}, bot_host(1)).say ==
        std::vector<std::string>{"thanks carol"});
  CHECK(e.on_event("channel.raid", json{{"from", "x"}}, bot_host(1)).say.empty());
  CHECK(e.on_chat(config, said_by("bob", "hi"), bot_host(1)).say ==
        std::vector<std::string>{"hey bob"});
  // A timer faster than the minimum is a script error; the script keeps what it had.
  auto fast = scripted("bot.every(1, function() end)");
  auto r = e.start(fast, bot_host(0));
  CHECK(e.script_running());
  bool reported = false;
  for (const auto& entry : r.log)
    reported = reported || entry.text.find("bot.every") != std::string::npos;
  CHECK(reported);
}

TEST_CASE("bot.say is bounded per call, and a runtime error keeps the script running") {
  engine e;
  auto config = scripted(
    "bot.command('spam', function() for i = 1, 100 do bot.say('x') end end)\n"
    "bot.command('oops', function() error('bad') end)\n"
    "bot.command('echo', function(ctx) return ctx.text end)");
  e.start(config, bot_host(0));
  auto spam = e.on_chat(config, said_by("bob", "!spam"), bot_host(1));
  CHECK(spam.say.size() == 5);
  auto oops = e.on_chat(config, said_by("bob", "!oops"), bot_host(1));
  CHECK_FALSE(oops.stopped);
  CHECK(e.script_running());
  CHECK(e.on_chat(config, said_by("bob", "!echo a b"), bot_host(1)).say ==
        std::vector<std::string>{"!echo a b"});
}

TEST_CASE("bot/<channel> keeps its script and commands across a restart; bad Lua is refused") {
  test::entity_fixture fx{{.rocksdb = false, .manual_clock = true}};
  auto bad = fx.ask<std::string>("bot", "alice", bot_put_atom::value,
                                 json{{"script", "x = = 1"}, {"enabled", true}}.dump());
  REQUIRE_FALSE(bad);
  CHECK(code_of(bad.error()) == errc::invalid_argument);
  CHECK(message_of(bad.error()).find("script:1:") != std::string::npos);
  auto saved = fx.ask<std::string>(
    "bot", "alice", bot_put_atom::value,
    json{{"script", "bot.command('hi', function() return 'hi' end)"}, {"enabled", false}}.dump());
  REQUIRE(saved);
  CHECK(json::parse(*saved).at("status") == "off");
  auto cmd = fx.ask<std::string>("bot", "alice", bot_cmd_set_atom::value, std::string{"hello"},
                                 json{{"response", "Hello $(user)"}, {"level", "vip"}}.dump());
  REQUIRE(cmd);
  fx.restart();
  auto got = fx.ask<std::string>("bot", "alice", bot_get_atom::value);
  REQUIRE(got);
  auto j = json::parse(*got);
  CHECK(j.at("script") == "bot.command('hi', function() return 'hi' end)");
  REQUIRE(j.at("commands").size() == 1);
  CHECK(j.at("commands")[0].at("level") == "vip");
  auto gone = fx.ask<std::string>("bot", "alice", bot_cmd_del_atom::value, std::string{"nope"});
  CHECK_FALSE(gone);
  auto log = fx.ask<std::string>("bot", "alice", bot_log_atom::value);
  REQUIRE(log);
  CHECK_FALSE(json::parse(*log).at("entries").empty());
}

TEST_CASE("bot/<channel> runs its timers when the injected clock reaches them") {
  test::entity_fixture fx{{.rocksdb = false, .manual_clock = true}};
  auto saved = fx.ask<std::string>(
    "bot", "timed", bot_put_atom::value,
    json{{"script", "bot.every(60, function() bot.log('tick at ' .. bot.now_ms()) end)"},
         {"enabled", true}}
      .dump());
  REQUIRE(saved);
  CHECK(json::parse(*saved).at("status") == "running");
  auto ticked = [&] {
    auto log = fx.ask<std::string>("bot", "timed", bot_log_atom::value);
    REQUIRE(log);
    auto entries = json::parse(*log).at("entries");
    for (const auto& e : entries)
      if (e.at("kind") == "print")
        return true;
    return false;
  };
  // The entity checks once per second of real time; nothing is due before the clock moves.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK_FALSE(ticked());
  fx.clock.advance(std::chrono::seconds(60));
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    seen = ticked();
    if (!seen)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the next check
  }
  CHECK(seen);
}
