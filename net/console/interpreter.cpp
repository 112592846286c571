#include "net/console/interpreter.hpp"

#include <charconv>
#include <cmath>
#include <ostream>
#include <regex>
#include <thread>

namespace aethex::console {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t max_repeat = 1'000'000;

std::string join(const std::vector<std::string>& words, std::size_t from = 0) {
  std::string text;
  for (auto i = from; i < words.size(); ++i)
    text += (i > from ? " " : "") + words[i];
  return text;
}

std::string command_text(const std::vector<std::string>& words) {
  std::string text;
  for (auto& w : words)
    text += (text.empty() ? "" : " ") + quote(w);
  return text;
}

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// A field of a reply for display; "" when the node left it out. (operator[] on a const json
// with a missing key is undefined behaviour: the cluster's `nodes` reply has no entity counts.)
std::string field_text(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? std::string{} : scalar_text(*it);
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      width.resize(std::max(width.size(), row.size()));
      width[i] = std::max(width[i], row[i].size());
    }
  std::string out;
  for (auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 2, ' ') : "");
    out += line + "\n";
  }
  return out;
}

std::string fields(const json& obj, const std::string& indent = "") {
  std::string out;
  for (auto& [key, value] : obj.items())
    out += indent + key + ": " + scalar_text(value) + "\n";
  return out;
}

std::string render_help_entry(const json& c) {
  return "  " + c.value("usage", c.value("name", "")) + "\n      " + c.value("help", "") +
         "\n      e.g. " + c.value("example", "") + "\n";
}

const std::vector<std::string> tail_options = {"--last", "--count", "--for"};

}  // namespace

const std::vector<json>& interpreter::local_commands() {
  static const std::vector<json> commands = {
    {{"name", "tail"},
     {"usage", "tail <kind/id> [--last N] [--count N] [--for DURATION]"},
     {"help", "Follows the entity's new events until Ctrl-C (or --count/--for)."},
     {"example", "tail chat/alice --last 5"}},
    {{"name", "set"},
     {"usage", "set <name> = <value...>"},
     {"help", "Sets a variable; $name or ${name} expands it in later commands."},
     {"example", "set ch = channel/alice"}},
    {{"name", "echo"},
     {"usage", "echo <text...>"},
     {"help", "Prints the words."},
     {"example", "echo \"checking $ch\""}},
    {{"name", "sleep"},
     {"usage", "sleep <duration>"},
     {"help", "Waits (500ms, 2s, 1m; a bare number is seconds)."},
     {"example", "sleep 1s"}},
    {{"name", "repeat"},
     {"usage", "repeat <N> { <commands> }"},
     {"help", "Runs the block N times; $i is the 1-based iteration."},
     {"example", "repeat 3 { echo \"round $i\" }"}},
    {{"name", "expect"},
     {"usage", "expect [fail] <command...> [<.path> <op> <value>]"},
     {"help",
      "Runs a node command and asserts on its JSON result (ops: == != < <= > >= "
      "contains matches); `fail` expects an error ({code, message}). A failed expect "
      "fails the script."},
     {"example", "expect ask channel/alice status .live == false"}},
    {{"name", "exit"},
     {"usage", "exit"},
     {"help", "Leaves the console (also quit, Ctrl-D)."},
     {"example", "exit"}},
  };
  return commands;
}

interpreter::interpreter(backend& node, interpreter_options options) : node_(node), opt_(options) {}

bool interpreter::interrupted() const { return opt_.interrupted && opt_.interrupted->load(); }

bool interpreter::run(const block& statements) {
  for (auto& st : statements) {
    if (interrupted()) {
      status_ = std::max(status_, exit_status::interrupted);
      return false;
    }
    if (!run_one(st))
      return false;
  }
  return true;
}

bool interpreter::run_one(const statement& st) {
  std::string error;
  auto words = expand(st.words, vars_, error);
  if (!words)
    return local_error(st, command_text({st.words.front().literal().value_or("?")}), error);
  auto& w = *words;
  const auto& name = w.front();
  if (st.has_body || name == "repeat")
    return repeat(st, w);
  if (name == "set")
    return set(st, w);
  if (name == "echo") {
    emit_ok(st, command_text(w), "echo", json(join(w, 1)));
    return true;
  }
  if (name == "sleep")
    return sleep(st, w);
  if (name == "expect")
    return expect(st, w);
  if (name == "tail")
    return tail(st, w);
  if (name == "help")
    return help(st, w);
  if (name == "exit" || name == "quit") {
    exit_requested_ = true;
    return false;
  }
  return remote(st, w);
}

bool interpreter::remote(const statement& st, const std::vector<std::string>& words) {
  auto r = node_.run(words);
  if (!r.ok())
    return fail(st, command_text(words), r);
  emit_ok(st, command_text(words), words.front(), r.result);
  return true;
}

void interpreter::emit_ok(const statement& st, const std::string& text, const std::string& command,
                          const json& result) {
  if (opt_.json_output) {
    json line{{"command", text}, {"ok", true}, {"result", result}, {"line", st.line}};
    *opt_.out << line.dump() << std::endl;
    return;
  }
  auto rendered = command == "echo" ? result.get<std::string>() + "\n" : render(command, result);
  *opt_.out << rendered << std::flush;
}

bool interpreter::fail(const statement& st, const std::string& text, const command_result& r) {
  auto status = exit_status::failed;
  if (r.status == command_result::outcome::unauthorized)
    status = exit_status::usage;
  else if (r.status == command_result::outcome::unreachable)
    status = exit_status::unreachable;
  status_ = std::max(status_, status);
  if (opt_.json_output) {
    json line{{"command", text},
              {"ok", false},
              {"error", {{"code", r.error_code}, {"message", r.message}}},
              {"line", st.line}};
    *opt_.out << line.dump() << std::endl;
  } else {
    *opt_.err << "error: " << r.message << std::endl;
  }
  return !opt_.stop_on_error;
}

bool interpreter::local_error(const statement& st, const std::string& text,
                              const std::string& message) {
  command_result r;
  r.status = command_result::outcome::failed;
  r.error_code = "invalid_argument";
  r.message = message;
  return fail(st, text, r);
}

bool interpreter::set(const statement& st, const std::vector<std::string>& w) {
  auto text = command_text(w);
  std::size_t value_at = w.size() > 2 && w[2] == "=" ? 3 : 2;
  if (w.size() < value_at || (w.size() == 2 && value_at == 2))
    return local_error(st, text, "usage: set <name> = <value...>");
  if (!variables::valid_name(w[1]))
    return local_error(st, text, "invalid variable name '" + w[1] + "' (letters, digits, _)");
  vars_.set(w[1], join(w, value_at));
  return true;
}

bool interpreter::sleep(const statement& st, const std::vector<std::string>& w) {
  auto duration = w.size() == 2 ? parse_duration(w[1]) : std::nullopt;
  if (!duration)
    return local_error(st, command_text(w), "usage: sleep <duration> (e.g. 500ms, 2s, 1m)");
  auto deadline = std::chrono::steady_clock::now() + *duration;
  while (std::chrono::steady_clock::now() < deadline) {
    if (interrupted()) {
      status_ = std::max(status_, exit_status::interrupted);
      return false;
    }
    std::this_thread::sleep_for(
      std::min<std::chrono::nanoseconds>(20ms, deadline - std::chrono::steady_clock::now()));
  }
  return true;
}

bool interpreter::repeat(const statement& st, const std::vector<std::string>& w) {
  auto text = command_text(w);
  if (!st.has_body)
    return local_error(st, text, "usage: repeat <N> { <commands> }");
  auto n = w.size() == 2 ? parse_uint(w[1]) : std::nullopt;
  if (!n || *n > max_repeat)
    return local_error(st, text,
                       "repeat needs a count from 0 to 1000000, got '" +
                         (w.size() > 1 ? w[1] : std::string{}) + "'");
  auto* outer = vars_.find("i");
  std::optional<std::string> saved = outer ? std::optional{*outer} : std::nullopt;
  bool go_on = true;
  for (std::uint64_t i = 1; i <= *n && go_on; ++i) {
    vars_.set("i", std::to_string(i));
    go_on = run(st.body);
  }
  if (saved)
    vars_.set("i", *saved);
  else
    vars_.erase("i");
  return go_on;
}

bool interpreter::expect(const statement& st, const std::vector<std::string>& w) {
  auto text = command_text(w);
  std::vector<std::string> cmd{w.begin() + 1, w.end()};
  bool want_failure = !cmd.empty() && cmd.front() == "fail";
  if (want_failure)
    cmd.erase(cmd.begin());
  std::optional<std::string> path, op, value;
  if (cmd.size() >= 4 && is_compare_op(cmd[cmd.size() - 2]) && cmd[cmd.size() - 3][0] == '.') {
    value = cmd.back();
    op = cmd[cmd.size() - 2];
    path = cmd[cmd.size() - 3];
    cmd.resize(cmd.size() - 3);
  }
  if (cmd.empty())
    return local_error(st, text, "usage: expect [fail] <command...> [<.path> <op> <value>]");
  for (auto& local : local_commands())
    if (local["name"] == cmd.front() || cmd.front() == "help")
      return local_error(st, text, "expect checks node commands, not '" + cmd.front() + "'");
  auto r = node_.run(cmd);
  if (r.status == command_result::outcome::unauthorized ||
      r.status == command_result::outcome::unreachable)
    return fail(st, text, r);
  std::string problem;
  json actual;
  if (want_failure) {
    if (r.ok())
      problem = "the command succeeded";
    else
      actual = json{{"code", r.error_code}, {"message", r.message}};
  } else if (!r.ok()) {
    problem = "the command failed: " + r.message;
  } else {
    actual = r.result;
  }
  if (problem.empty() && path) {
    auto at = json_at(actual, *path, problem);
    if (at) {
      actual = *at;
      if (!compare(actual, *op, *value, problem) && problem.empty())
        problem = *path + " is " + actual.dump() + ", expected " + *op + " " + *value;
    }
  }
  bool passed = problem.empty();
  if (!passed)
    status_ = std::max(status_, exit_status::failed);
  if (opt_.json_output) {
    json line{{"command", text}, {"ok", passed}, {"actual", actual}, {"line", st.line}};
    if (!passed)
      line["error"] = {{"code", "expect_failed"}, {"message", problem}};
    *opt_.out << line.dump() << std::endl;
  } else if (passed) {
    *opt_.out << "ok: " << text << std::endl;
  } else {
    *opt_.err << "expect failed (line " << st.line << "): " << problem << std::endl;
  }
  return passed || !opt_.stop_on_error;
}

bool interpreter::tail(const statement& st, const std::vector<std::string>& w) {
  auto text = command_text(w);
  tail_request req;
  for (std::size_t i = 1; i < w.size(); ++i) {
    if (std::find(tail_options.begin(), tail_options.end(), w[i]) != tail_options.end()) {
      if (i + 1 >= w.size())
        return local_error(st, text, "option " + w[i] + " needs a value");
      auto& value = w[++i];
      if (w[i - 1] == "--for") {
        req.duration = parse_duration(value);
        if (!req.duration)
          return local_error(st, text, "--for expects a duration such as 10s");
      } else {
        auto n = parse_uint(value);
        if (!n)
          return local_error(st, text, w[i - 1] + " expects a whole number");
        (w[i - 1] == "--last" ? req.last : req.count) = *n;
      }
    } else if (req.target.empty() && w[i].rfind("--", 0) != 0) {
      req.target = w[i];
    } else {
      return local_error(st, text, "usage: tail <kind/id> [--last N] [--count N] [--for DURATION]");
    }
  }
  if (req.target.empty())
    return local_error(st, text, "usage: tail <kind/id> [--last N] [--count N] [--for DURATION]");
  std::atomic<bool> never{false};
  auto& stop = opt_.interrupted ? *opt_.interrupted : never;
  auto r = node_.tail(req, stop, [&](const json& ev) {
    if (opt_.json_output)
      *opt_.out << json{{"command", text}, {"ok", true}, {"event", ev}, {"line", st.line}}.dump()
                << std::endl;
    else
      *opt_.out << render_event(ev) << std::endl;
  });
  if (!r.ok())
    return fail(st, text, r);
  // Ctrl-C ends a tail (that is how one stops following); it does not end the script.
  if (opt_.interrupted)
    opt_.interrupted->store(false);
  return true;
}

bool interpreter::help(const statement& st, const std::vector<std::string>& w) {
  auto text = command_text(w);
  if (w.size() > 2)
    return local_error(st, text, "usage: help [command|kind]");
  if (w.size() == 2)
    for (auto& c : local_commands())
      if (c["name"] == w[1]) {
        if (opt_.json_output)
          emit_ok(st, text, "help", json{{"commands", json::array({c})}});
        else
          *opt_.out << render_help_entry(c) << std::flush;
        return true;
      }
  auto r = node_.run(w);
  if (!r.ok() && w.size() == 2)
    return fail(st, text, r);
  json result = r.ok() ? r.result : json{{"commands", json::array()}, {"kinds", json::array()}};
  if (w.size() == 1)
    for (auto& c : local_commands())
      result["commands"].push_back(c);
  if (opt_.json_output) {
    emit_ok(st, text, "help", result);
  } else {
    std::string out;
    if (!result["commands"].empty())
      out += "Commands:\n";
    for (auto& c : result["commands"])
      out += render_help_entry(c);
    for (auto& k : result["kinds"]) {
      out += (out.empty() ? "" : "\n") + k.value("kind", "") + " — " + k.value("summary", "") +
             ":\n";
      for (auto& c : k["commands"])
        out += render_help_entry(c);
    }
    *opt_.out << out << std::flush;
  }
  if (!r.ok())
    return fail(st, text, r);  // local help was still printed
  return true;
}

std::string render_event(const json& ev) {
  std::string line;
  if (ev.contains("stream"))
    line += ev["stream"].get<std::string>() + " ";
  line += "#" + std::to_string(ev.value("seq", 0ULL)) + "  " + ev.value("time", "") + "  " +
          ev.value("type", "");
  if (ev.contains("payload"))
    line += "  " + ev["payload"].dump();
  return line;
}

std::string render(const std::string& command, const json& result) {
  if (command == "ls" && result.contains("kinds")) {
    std::vector<std::vector<std::string>> rows{{"KIND", "ACTIVE", "STORED", "COMMANDS"}};
    for (auto& k : result["kinds"])
      rows.push_back({k.value("kind", ""), field_text(k, "active"), field_text(k, "stored"),
                      field_text(k, "commands")});
    return table(rows);
  }
  if (command == "ls" && result.contains("entities")) {
    if (result["entities"].empty())
      return "(no " + result.value("kind", "") + " entities)\n";
    std::vector<std::vector<std::string>> rows{{"ENTITY", "ACTIVE", "VERSION"}};
    for (auto& e : result["entities"])
      rows.push_back({result.value("kind", "") + "/" + e.value("id", ""),
                      e.value("active", false) ? "yes" : "no", field_text(e, "version")});
    return table(rows);
  }
  if (command == "show" && result.is_object()) {
    auto out = result.value("entity", "") + "  version " + field_text(result, "version") + "\n";
    if (result.contains("state") && result["state"].is_object())
      out += fields(result["state"], "  ");
    if (result.contains("last_event") && !result["last_event"].is_null())
      out += "  last event: " + render_event(result["last_event"]) + "\n";
    return out;
  }
  if (command == "events" && result.contains("events")) {
    if (result["events"].empty())
      return "(no events)\n";
    std::string out;
    for (auto& ev : result["events"])
      out += render_event(ev) + "\n";
    return out;
  }
  if (command == "nodes" && result.contains("nodes")) {
    std::vector<std::vector<std::string>> rows{{"NODE", "ADDRESS", "STATUS", "UPTIME", "ENTITIES"}};
    for (auto& n : result["nodes"])
      rows.push_back({n.value("id", "") + (n.value("self", false) ? " (this)" : ""),
                      n.value("address", ""), n.value("status", ""),
                      field_text(n, "uptime_s") + "s", field_text(n, "active_entities")});
    return table(rows);
  }
  if (command == "partitions" && result.contains("partitions")) {
    std::vector<std::vector<std::string>> rows{{"PARTITION", "OWNER", "ENTITIES"}};
    for (auto& p : result["partitions"])
      rows.push_back({field_text(p, "id"), p.value("owner", ""), field_text(p, "active_entities")});
    return table(rows) + "(" + result.value("mode", "") + ")\n";
  }
  if (result.is_object())
    return fields(result);
  if (result.is_string())
    return result.get<std::string>() + "\n";
  return result.dump(2) + "\n";
}

}  // namespace aethex::console
