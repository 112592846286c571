// Layers include only downwards: runtime ← storage ← actors ← media / net. Inside actors/, a
// domain folder sees core/ (the entity base) and other domains' public headers only (never
// their internal.hpp); nothing in actors/ includes Beast or GStreamer. net/live (the front ends
// that speak domain protocols) may see media; net/app is the composition root and sees every
// layer but no domain: of actors/ it includes only core/ and the module list.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::set<std::string>> allowed = {
  {"runtime", {"runtime"}},
  {"storage", {"runtime", "storage"}},
  {"actors", {"runtime", "storage", "actors"}},
  {"media", {"runtime", "storage", "actors", "media"}},
  {"net", {"runtime", "actors", "net"}},
  {"net/live", {"runtime", "actors", "media", "net"}},
  {"net/app", {"runtime", "storage", "actors", "media", "net"}},
};

std::string layer_of(const std::string& relative) {
  for (const char* sub : {"net/app/", "net/live/"})
    if (relative.rfind(sub, 0) == 0)
      return std::string{sub}.substr(0, std::string{sub}.size() - 1);
  return relative.substr(0, relative.find('/'));
}

// "actors/chat/chat_room.hpp" → "chat"; "actors/modules.hpp" → "".
std::string domain_of(const std::string& path) {
  if (path.rfind("actors/", 0) != 0)
    return {};
  auto rest = path.substr(7);
  auto slash = rest.find('/');
  return slash == std::string::npos ? std::string{} : rest.substr(0, slash);
}

struct include {
  std::string file;  // relative path of the including file
  int line;
  std::string target;  // quoted path, or <system> path
  bool system;
};

std::vector<include> includes_of(const fs::path& root) {
  const std::regex quoted{R"(^\s*#\s*include\s*"([^"]+)\")"};
  const std::regex angled{R"(^\s*#\s*include\s*<([^>]+)>)"};
  std::vector<include> found;
  for (auto top : {"runtime", "storage", "actors", "media", "net"}) {
    for (auto& entry : fs::recursive_directory_iterator(root / top)) {
      auto ext = entry.path().extension();
      if ((ext != ".cpp" && ext != ".hpp") ||
          entry.path().generic_string().find("/node_modules/") != std::string::npos)
        continue;
      auto relative = fs::relative(entry.path(), root).generic_string();
      std::ifstream in(entry.path());
      std::string text;
      int number = 0;
      while (std::getline(in, text)) {
        ++number;
        std::smatch match;
        if (std::regex_search(text, match, quoted))
          found.push_back({relative, number, match[1].str(), false});
        else if (std::regex_search(text, match, angled))
          found.push_back({relative, number, match[1].str(), true});
      }
    }
  }
  return found;
}

}  // namespace

TEST_CASE("project headers are only included from the same or a higher layer") {
  auto all = includes_of(AETHEX_SOURCE_DIR);
  CHECK(all.size() > 200);
  for (auto& inc : all) {
    if (inc.system || inc.target.find('/') == std::string::npos)
      continue;
    auto target_layer = inc.target.substr(0, inc.target.find('/'));
    INFO(inc.file << ":" << inc.line << " includes " << inc.target);
    CHECK(allowed.at(layer_of(inc.file)).count(target_layer) == 1);
  }
}

TEST_CASE("a domain sees core and other domains' public headers only") {
  for (auto& inc : includes_of(AETHEX_SOURCE_DIR)) {
    if (inc.system || inc.target.rfind("actors/", 0) != 0)
      continue;
    INFO(inc.file << ":" << inc.line << " includes " << inc.target);
    auto own = domain_of(inc.file);
    auto target = domain_of(inc.target);
    CHECK(inc.target.ends_with(".hpp"));
    if (inc.file.rfind("actors/", 0) == 0) {
      if (own == "core")
        CHECK(target == "core");  // the base knows no domain
      if (!own.empty() && target != own)
        CHECK_FALSE(inc.target.ends_with("/internal.hpp"));
    } else if (layer_of(inc.file) == "net/app") {
      // The composition root loops over modules; it names none.
      CHECK((target == "core" || inc.target == "actors/modules.hpp"));
    } else {
      CHECK_FALSE(inc.target.ends_with("/internal.hpp"));
    }
  }
}

TEST_CASE("nothing under actors/ includes Beast, Asio or GStreamer") {
  int checked = 0;
  for (auto& inc : includes_of(AETHEX_SOURCE_DIR)) {
    if (inc.file.rfind("actors/", 0) != 0)
      continue;
    ++checked;
    INFO(inc.file << ":" << inc.line << " includes " << inc.target);
    CHECK(inc.target.rfind("boost/beast", 0) != 0);
    CHECK(inc.target.rfind("boost/asio", 0) != 0);
    CHECK(inc.target.rfind("gst/", 0) != 0);
    CHECK(inc.target.rfind("media/", 0) != 0);
    CHECK(inc.target.rfind("net/", 0) != 0);
  }
  CHECK(checked > 50);
}
