// Tab completion for the console prompt: command names, entity kinds, the ids of a kind (asked
// from the node, cached briefly) and a kind's send/ask commands. Independent of the line editor.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/console/interpreter.hpp"

namespace aethex::console {

class completer {
 public:
  explicit completer(backend& node);

  /// Words that may replace `word`, given the line text before it. Every candidate starts with
  /// `word`; a candidate ending in '/' is a kind whose id comes next (no space after it).
  std::vector<std::string> candidates(std::string_view before, std::string_view word);

 private:
  void load_help();
  const std::vector<std::string>& ids(const std::string& kind);

  backend& node_;
  bool help_loaded_ = false;
  std::vector<std::string> commands_;
  std::map<std::string, std::vector<std::pair<std::string, bool>>> kind_commands_;  // name, query
  struct cached_ids {
    bool fetched = false;
    std::chrono::steady_clock::time_point at;
    std::vector<std::string> ids;
  };
  std::map<std::string, cached_ids> ids_;
};

}  // namespace aethex::console
