// Matching a request path against a route pattern ("channels/{channel}/tips"), as the HTTP
// binding does, for the in-process route tests (api_node.hpp, payments_node.hpp).
#pragma once

#include <string>
#include <vector>

#include "actors/core/route.hpp"

namespace aethex::test {

/// True when `path` fits `pattern`; fills `req.params` from its `{name}` parts.
inline bool match_route(const std::string& pattern, const std::string& path,
                        actors::route_request& req) {
  auto split = [](const std::string& text) {
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (auto slash = text.find('/'); slash != std::string::npos; slash = text.find('/', from)) {
      parts.push_back(text.substr(from, slash - from));
      from = slash + 1;
    }
    parts.push_back(text.substr(from));
    return parts;
  };
  auto want = split(pattern);
  auto got = split(path);
  if (want.size() != got.size())
    return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].starts_with("{"))
      req.params[want[i].substr(1, want[i].size() - 2)] = got[i];
    else if (want[i] != got[i])
      return false;
  }
  return true;
}

}  // namespace aethex::test
