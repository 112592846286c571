// Lua runs as C here: its errors are longjmps. Every function Lua calls back into (the bot API,
// the hook, the allocator) keeps only trivially destructible locals alive across a Lua call that
// can raise, so a longjmp never skips a destructor; values with destructors (std::string) live
// only within one statement that makes no Lua call.
#include "actors/bots/sandbox.hpp"

#include <algorithm>
#include <cstdlib>

#include <lua5.4/lua.hpp>

namespace aethex::actors::bots {

// The friend that reaches the sandbox's members from the C functions below.
struct lua_sandbox::internals {
  static lua_sandbox* of(lua_State* L) { return *static_cast<lua_sandbox**>(lua_getextraspace(L)); }
  static sandbox_limits& limits(lua_sandbox* sb) { return sb->limits_; }
  static std::size_t& used(lua_sandbox* sb) { return sb->used_; }
  static std::uint64_t& counted(lua_sandbox* sb) { return sb->counted_; }
  static std::optional<std::string>& tripped(lua_sandbox* sb) { return sb->tripped_; }
  static const host_view* host(lua_sandbox* sb) { return sb->host_; }
  static call_result* current(lua_sandbox* sb) { return sb->current_; }
  static std::vector<script_command>& commands(lua_sandbox* sb) { return sb->commands_; }
  static std::vector<script_timer>& timers(lua_sandbox* sb) { return sb->timers_; }
  static std::vector<std::pair<std::string, int>>& handlers(lua_sandbox* sb) {
    return sb->handlers_;
  }
};

namespace {

using in = lua_sandbox::internals;

constexpr int hook_every = 1000;         // instructions between two budget checks
constexpr std::size_t text_max = 500;    // bytes of one said or printed line
constexpr std::size_t printed_max = 20;  // printed lines per call
constexpr int json_depth_max = 8;

// The allocator: refuses growth past the cap; shrinking and freeing always succeed.
void* capped_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* sb = static_cast<lua_sandbox*>(ud);
  auto& used = in::used(sb);
  std::size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    used -= old;
    return nullptr;
  }
  if (nsize > old && used - old + nsize > in::limits(sb).memory_bytes)
    return nullptr;
  void* grown = std::realloc(ptr, nsize);
  if (grown)
    used = used - old + nsize;
  return grown;
}

void count_hook(lua_State* L, lua_Debug*) {
  auto* sb = in::of(L);
  in::counted(sb) += hook_every;
  auto& tripped = in::tripped(sb);
  if (!tripped && in::counted(sb) > in::limits(sb).instructions)
    tripped = "instruction budget exceeded";
  if (tripped)
    luaL_error(L, "%s", tripped->c_str());
}

// pcall that never swallows a tripped limit (the script must not catch its own stop).
int safe_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  auto* sb = in::of(L);
  if (status == LUA_ERRMEM && !in::tripped(sb))
    in::tripped(sb) = "memory limit exceeded";
  if (in::tripped(sb))
    return lua_error(L);
  luaL_checkstack(L, 1, nullptr);
  lua_pushboolean(L, status == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

bool lua_command_name_ok(const char* s, std::size_t n) {
  if (n == 0 || n > 25)
    return false;
  return std::all_of(s, s + n, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool lua_level_ok(const char* s) {
  static constexpr const char* levels[] = {"everyone", "follower",  "subscriber",
                                           "vip",      "moderator", "broadcaster"};
  return std::any_of(std::begin(levels), std::end(levels),
                     [s](const char* l) { return std::string_view{l} == s; });
}

int bot_command(lua_State* L) {
  auto* sb = in::of(L);
  std::size_t n = 0;
  const char* name = luaL_checklstring(L, 1, &n);
  int fn_index = lua_istable(L, 2) ? 3 : 2;
  luaL_checktype(L, fn_index, LUA_TFUNCTION);
  lua_Integer cooldown = 0;
  const char* level = "everyone";
  if (fn_index == 3) {
    lua_getfield(L, 2, "cooldown");
    cooldown = luaL_optinteger(L, -1, 0);
    lua_getfield(L, 2, "level");
    level = luaL_optstring(L, -1, "everyone");  // stays on the stack while used
  }
  if (!lua_command_name_ok(name, n))
    return luaL_error(L, "bot.command: a name is 1-25 characters of a-z, 0-9 and _");
  if (!lua_level_ok(level))
    return luaL_error(L,
                      "bot.command: level must be everyone, follower, subscriber, vip, "
                      "moderator or broadcaster");
  if (cooldown < 0 || cooldown > 86400)
    return luaL_error(L, "bot.command: cooldown must be 0-86400 seconds");
  auto& commands = in::commands(sb);
  auto same = std::find_if(commands.begin(), commands.end(), [&](const script_command& c) {
    return c.name == std::string_view{name, n};
  });
  if (same == commands.end() && commands.size() >= in::limits(sb).commands_max)
    return luaL_error(L, "bot.command: at most %d commands",
                      static_cast<int>(in::limits(sb).commands_max));
  lua_pushvalue(L, fn_index);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  if (same != commands.end()) {
    luaL_unref(L, LUA_REGISTRYINDEX, same->ref);
    same->cooldown_s = cooldown;
    same->level = level;
    same->ref = ref;
  } else {
    commands.push_back(script_command{std::string{name, n}, cooldown, level, ref});
  }
  return 0;
}

int bot_every(lua_State* L) {
  auto* sb = in::of(L);
  lua_Number seconds = luaL_checknumber(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (!(seconds >= static_cast<lua_Number>(in::limits(sb).timer_min_s)) || seconds > 86400)
    return luaL_error(L, "bot.every: the period is %d-86400 seconds",
                      static_cast<int>(in::limits(sb).timer_min_s));
  if (in::timers(sb).size() >= in::limits(sb).timers_max)
    return luaL_error(L, "bot.every: at most %d timers",
                      static_cast<int>(in::limits(sb).timers_max));
  lua_pushvalue(L, 2);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  auto every_ms = static_cast<std::int64_t>(seconds * 1000);
  in::timers(sb).push_back(script_timer{every_ms, in::host(sb)->now_ms + every_ms, ref});
  return 0;
}

int bot_on(lua_State* L) {
  auto* sb = in::of(L);
  std::size_t n = 0;
  const char* type = luaL_checklstring(L, 1, &n);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (n == 0 || n > 64)
    return luaL_error(L, "bot.on: an event type is 1-64 characters");
  if (in::handlers(sb).size() >= in::limits(sb).handlers_max)
    return luaL_error(L, "bot.on: at most %d handlers",
                      static_cast<int>(in::limits(sb).handlers_max));
  lua_pushvalue(L, 2);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  in::handlers(sb).emplace_back(std::string{type, n}, ref);
  return 0;
}

// Adds one line (cut to text_max bytes at a UTF-8 boundary) to `lines`, up to `max`.
void add_line(std::vector<std::string>& lines, const char* s, std::size_t n, std::size_t max) {
  if (lines.size() >= max)
    return;
  if (n > text_max) {
    n = text_max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
      --n;
  }
  lines.emplace_back(s, n);
}

int bot_say(lua_State* L) {
  auto* sb = in::of(L);
  std::size_t n = 0;
  const char* text = luaL_checklstring(L, 1, &n);
  auto* out = in::current(sb);
  if (out->said.size() >= in::limits(sb).says_per_call)
    return luaL_error(L, "bot.say: at most %d messages per call",
                      static_cast<int>(in::limits(sb).says_per_call));
  add_line(out->said, text, n, in::limits(sb).says_per_call);
  return 0;
}

int bot_print(lua_State* L) {
  auto* sb = in::of(L);
  int args = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= args; ++i) {
    if (i > 1)
      luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  std::size_t n = 0;
  const char* line = lua_tolstring(L, -1, &n);
  add_line(in::current(sb)->printed, line, n, printed_max);
  return 0;
}

int bot_now_ms(lua_State* L) {
  lua_pushinteger(L, in::host(in::of(L))->now_ms);
  return 1;
}

int channel_name(lua_State* L) {
  const auto& name = in::host(in::of(L))->channel;
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int channel_live(lua_State* L) {
  lua_pushboolean(L, in::host(in::of(L))->live_since_ms > 0);
  return 1;
}

int channel_uptime_s(lua_State* L) {
  const auto* host = in::host(in::of(L));
  if (host->live_since_ms <= 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, std::max<std::int64_t>(0, (host->now_ms - host->live_since_ms) / 1000));
  return 1;
}

// Opens the allowed libraries and the bot API; run protected (allocations may fail).
int open_libs(lua_State* L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_settop(L, 0);
  for (const char* name : {"load", "loadfile", "dofile", "collectgarbage", "xpcall", "require"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");  // bytecode out; nothing can load it back in anyway
  lua_pop(L, 1);
  lua_register(L, "pcall", safe_pcall);
  lua_register(L, "print", bot_print);
  static const luaL_Reg bot_api[] = {
    {"command", bot_command}, {"every", bot_every},   {"on", bot_on},    {"say", bot_say},
    {"log", bot_print},       {"now_ms", bot_now_ms}, {nullptr, nullptr}};
  luaL_newlib(L, bot_api);
  lua_setglobal(L, "bot");
  static const luaL_Reg channel_api[] = {{"name", channel_name},
                                         {"live", channel_live},
                                         {"uptime_s", channel_uptime_s},
                                         {nullptr, nullptr}};
  luaL_newlib(L, channel_api);
  lua_setglobal(L, "channel");
  return 0;
}

void push_json(lua_State* L, const nlohmann::json& j, int depth) {
  luaL_checkstack(L, 3, nullptr);
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    lua_pushlstring(L, s.data(), s.size());
  } else if (j.is_boolean()) {
    lua_pushboolean(L, j.get<bool>());
  } else if (j.is_number_integer()) {
    lua_pushinteger(L, j.get<lua_Integer>());
  } else if (j.is_number()) {
    lua_pushnumber(L, j.get<double>());
  } else if ((j.is_object() || j.is_array()) && depth < json_depth_max) {
    lua_createtable(L, 0, 0);
    lua_Integer index = 0;
    for (auto it = j.begin(); it != j.end(); ++it) {
      push_json(L, *it, depth + 1);
      if (j.is_array()) {
        lua_rawseti(L, -2, ++index);
      } else {
        const auto& key = it.key();
        lua_setfield(L, -2, key.c_str());
      }
    }
  } else {
    lua_pushnil(L);
  }
}

// What one protected call runs: the function of `ref` with a ctx table or event data.
struct call_job {
  int ref = 0;
  const command_call* call = nullptr;
  const nlohmann::json* data = nullptr;
};

void set_string(lua_State* L, const char* key, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

int run_job(lua_State* L) {
  const auto* job = static_cast<const call_job*>(lua_touserdata(L, 1));
  lua_rawgeti(L, LUA_REGISTRYINDEX, job->ref);
  int nargs = 0;
  if (job->call) {
    lua_createtable(L, 0, 5);
    set_string(L, "user", job->call->user);
    set_string(L, "level", job->call->level);
    set_string(L, "text", job->call->text);
    lua_createtable(L, static_cast<int>(job->call->args.size()), 0);
    lua_Integer i = 0;
    for (const auto& arg : job->call->args) {
      lua_pushlstring(L, arg.data(), arg.size());
      lua_rawseti(L, -2, ++i);
    }
    lua_setfield(L, -2, "args");
    nargs = 1;
  } else if (job->data) {
    push_json(L, *job->data, 0);
    nargs = 1;
  }
  lua_call(L, nargs, 1);
  if (lua_type(L, -1) == LUA_TSTRING) {
    // A returned text is said like bot.say(text).
    lua_pushcfunction(L, bot_say);
    lua_insert(L, -2);
    lua_call(L, 1, 0);
  }
  return 0;
}

}  // namespace

lua_sandbox::lua_sandbox(sandbox_limits limits) : limits_(limits) {}

lua_sandbox::~lua_sandbox() { close(); }

void lua_sandbox::open() {
  close();
  stopped_.reset();
  tripped_.reset();
  state_ = lua_newstate(capped_alloc, this);
  if (!state_) {
    stopped_ = "memory limit exceeded";
    return;
  }
  *static_cast<lua_sandbox**>(lua_getextraspace(state_)) = this;
  lua_sethook(state_, count_hook, LUA_MASKCOUNT, hook_every);
  counted_ = 0;
  lua_pushcfunction(state_, open_libs);
  if (lua_pcall(state_, 0, 0, 0) != LUA_OK) {
    close();
    stopped_ = "memory limit exceeded";
  }
}

void lua_sandbox::close() {
  if (state_) {
    // Finalizers (__gc) run while closing: a tripped budget keeps each of them short.
    tripped_ = "closing";
    lua_close(state_);
    state_ = nullptr;
  }
  tripped_.reset();
  commands_.clear();
  timers_.clear();
  handlers_.clear();
}

std::optional<std::string> lua_sandbox::compile_error(std::string_view source,
                                                      const sandbox_limits& limits) {
  if (source.size() > limits.source_max_bytes)
    return "a script is at most " + std::to_string(limits.source_max_bytes) + " bytes";
  lua_sandbox probe{limits};
  probe.open();
  if (!probe.state_)
    return "memory limit exceeded";
  auto* L = probe.state_;
  if (luaL_loadbufferx(L, source.data(), source.size(), "=script", "t") == LUA_OK)
    return std::nullopt;
  std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "cannot compile";
  return message;
}

void lua_sandbox::protected_call(int nargs, call_result& out) {
  auto* L = state_;
  counted_ = 0;
  tripped_.reset();
  current_ = &out;
  int status = lua_pcall(L, nargs, 0, 0);
  current_ = nullptr;
  if (status == LUA_OK)
    return;
  if (status == LUA_ERRMEM && !tripped_)
    tripped_ = "memory limit exceeded";
  std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                       : std::string{"error (not a string)"};
  lua_pop(L, 1);
  if (tripped_) {
    auto why = *tripped_;
    close();
    stopped_ = why;
    out.error = why;
    return;
  }
  out.error = std::move(message);
}

call_result lua_sandbox::load(std::string_view source, const host_view& host) {
  call_result out;
  if (source.size() > limits_.source_max_bytes) {
    out.error = "a script is at most " + std::to_string(limits_.source_max_bytes) + " bytes";
    return out;
  }
  open();
  if (!state_) {
    out.error = stopped_;
    return out;
  }
  host_ = &host;
  if (luaL_loadbufferx(state_, source.data(), source.size(), "=script", "t") != LUA_OK) {
    out.error = lua_type(state_, -1) == LUA_TSTRING ? lua_tostring(state_, -1) : "cannot compile";
    close();
  } else {
    protected_call(0, out);
  }
  host_ = nullptr;
  return out;
}

const script_command* lua_sandbox::find_command(std::string_view name) const {
  auto it = std::find_if(commands_.begin(), commands_.end(),
                         [name](const script_command& c) { return c.name == name; });
  return it == commands_.end() ? nullptr : &*it;
}

bool lua_sandbox::handles(std::string_view event_type) const {
  return std::any_of(handlers_.begin(), handlers_.end(),
                     [event_type](const auto& h) { return h.first == event_type; });
}

std::optional<std::int64_t> lua_sandbox::next_timer_ms() const {
  std::optional<std::int64_t> next;
  for (const auto& t : timers_)
    if (!next || t.next_ms < *next)
      next = t.next_ms;
  return next;
}

namespace {

// Pushes run_job and its job, ready for protected_call(1, …).
void push_job(lua_State* L, call_job& job) {
  lua_pushcfunction(L, run_job);
  lua_pushlightuserdata(L, &job);
}

}  // namespace

call_result lua_sandbox::run_command(std::string_view name, const command_call& call,
                                     const host_view& host) {
  call_result out;
  const auto* command = find_command(name);
  if (!state_ || !command)
    return out;
  host_ = &host;
  call_job job{command->ref, &call, nullptr};
  push_job(state_, job);
  protected_call(1, out);
  host_ = nullptr;
  return out;
}

call_result lua_sandbox::run_due_timers(const host_view& host) {
  call_result out;
  host_ = &host;
  // By index: a timer may register more timers (the vector grows) or stop the script.
  for (std::size_t i = 0; state_ && i < timers_.size(); ++i) {
    if (timers_[i].next_ms > host.now_ms)
      continue;
    timers_[i].next_ms = host.now_ms + timers_[i].every_ms;  // no burst after a pause
    call_job job{timers_[i].ref, nullptr, nullptr};
    push_job(state_, job);
    protected_call(1, out);
    if (out.error && !state_)
      break;
  }
  host_ = nullptr;
  return out;
}

call_result lua_sandbox::run_event(std::string_view type, const nlohmann::json& data,
                                   const host_view& host) {
  call_result out;
  host_ = &host;
  for (std::size_t i = 0; state_ && i < handlers_.size(); ++i) {
    if (handlers_[i].first != type)
      continue;
    call_job job{handlers_[i].second, nullptr, &data};
    push_job(state_, job);
    protected_call(1, out);
  }
  host_ = nullptr;
  return out;
}

}  // namespace aethex::actors::bots
