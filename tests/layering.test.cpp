// Layers include only downwards: runtime ← storage ← actors ← media / net. net/app is the
// composition root and may see everything; nothing else in net/ may include media/.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::set<std::string>> allowed = {
  {"runtime", {"runtime"}},
  {"storage", {"runtime", "storage"}},
  {"actors", {"runtime", "storage", "actors"}},
  {"media", {"runtime", "storage", "actors", "media"}},
  {"net", {"runtime", "actors", "net"}},
  {"net/app", {"runtime", "storage", "actors", "media", "net"}},
};

std::string layer_of(const fs::path& relative) {
  auto text = relative.generic_string();
  if (text.rfind("net/app/", 0) == 0)
    return "net/app";
  return text.substr(0, text.find('/'));
}

}  // namespace

TEST_CASE("project headers are only included from the same or a higher layer") {
  const fs::path root = AETHEX_SOURCE_DIR;
  const std::regex include_line{R"(^\s*#\s*include\s*"([a-z_]+)/)"};
  int files = 0;
  for (auto& [layer, _] : allowed) {
    if (layer == "net/app")
      continue;
    for (auto& entry : fs::recursive_directory_iterator(root / layer)) {
      auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp")
        continue;
      if (entry.path().generic_string().find("/node_modules/") != std::string::npos)
        continue;
      auto relative = fs::relative(entry.path(), root);
      auto own_layer = layer_of(relative);
      std::ifstream in(entry.path());
      std::string line;
      int number = 0;
      ++files;
      while (std::getline(in, line)) {
        ++number;
        std::smatch match;
        if (!std::regex_search(line, match, include_line))
          continue;
        auto target = match[1].str();
        INFO(relative.generic_string() << ":" << number << " includes " << target << "/");
        CHECK(allowed.at(own_layer).count(target) == 1);
      }
    }
  }
  CHECK(files > 20);
}
