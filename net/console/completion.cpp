#include "net/console/completion.hpp"

#include <algorithm>
#include <set>

namespace aethex::console {
namespace {

constexpr auto ids_ttl = std::chrono::seconds(3);
// Commands whose first argument is an entity (kind/id).
const std::set<std::string, std::less<>> entity_commands = {"show", "events", "send",
                                                            "ask",  "tail",   "ls"};

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!current.empty())
        words.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    words.push_back(std::move(current));
  return words;
}

}  // namespace

completer::completer(backend& node) : node_(node) {}

void completer::load_help() {
  if (help_loaded_)
    return;
  std::set<std::string> names;
  for (auto& c : interpreter::local_commands())
    names.insert(c["name"].get<std::string>());
  names.insert({"help", "quit"});
  auto help = node_.run({"help"});
  if (help.ok()) {
    help_loaded_ = true;  // retried on the next Tab while the node is unreachable
    for (auto& c : help.result["commands"])
      names.insert(c.value("name", ""));
    for (auto& k : help.result["kinds"]) {
      auto& list = kind_commands_[k.value("kind", "")];
      for (auto& c : k["commands"])
        list.emplace_back(c.value("name", ""), c.value("verb", "") == "ask");
    }
    auto ls = node_.run({"ls"});
    if (ls.ok())
      for (auto& k : ls.result["kinds"])
        kind_commands_[k.value("kind", "")];
  }
  commands_.assign(names.begin(), names.end());
}

const std::vector<std::string>& completer::ids(const std::string& kind) {
  auto now = std::chrono::steady_clock::now();
  auto& entry = ids_[kind];
  if (entry.fetched && now - entry.at < ids_ttl)
    return entry.ids;
  entry.fetched = true;
  entry.at = now;
  entry.ids.clear();
  auto ls = node_.run({"ls", kind + "/"});
  if (ls.ok())
    for (auto& e : ls.result["entities"])
      entry.ids.push_back(e.value("id", ""));
  return entry.ids;
}

std::vector<std::string> completer::candidates(std::string_view before, std::string_view word) {
  load_help();
  auto words = split_words(before);
  // `expect [fail] <command…>` completes like the command it wraps.
  if (!words.empty() && words.front() == "expect") {
    words.erase(words.begin());
    if (!words.empty() && words.front() == "fail")
      words.erase(words.begin());
  }
  std::vector<std::string> pool;
  if (words.empty()) {
    pool = commands_;
  } else if (words.size() == 1 && words[0] == "help") {
    pool = commands_;
    for (auto& [kind, _] : kind_commands_)
      pool.push_back(kind);
  } else if (words.size() == 1 && entity_commands.count(words[0])) {
    auto slash = word.find('/');
    if (slash == std::string_view::npos) {
      for (auto& [kind, _] : kind_commands_)
        pool.push_back(kind + "/");
    } else if (words[0] != "ls") {
      auto kind = std::string{word.substr(0, slash)};
      for (auto& id : ids(kind))
        pool.push_back(kind + "/" + id);
    }
  } else if (words.size() == 2 && (words[0] == "send" || words[0] == "ask")) {
    auto kind = words[1].substr(0, words[1].find('/'));
    if (auto it = kind_commands_.find(kind); it != kind_commands_.end())
      for (auto& [name, query] : it->second)
        if (query == (words[0] == "ask"))
          pool.push_back(name);
  }
  std::vector<std::string> out;
  for (auto& candidate : pool)
    if (std::string_view{candidate}.substr(0, word.size()) == word)
      out.push_back(candidate);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace aethex::console
