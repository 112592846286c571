#include "net/app/config_file.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

namespace aethex::app {
namespace {

std::string trim(std::string text) {
  auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Strips a trailing comment that is not inside a quoted string.
std::string strip_comment(const std::string& line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == '#' && !quoted)
      return line.substr(0, i);
  }
  return line;
}

}  // namespace

void apply_config_file(CLI::App& command, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw std::runtime_error("cannot read config file " + file.string());
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++number;
    line = trim(strip_comment(line));
    if (line.empty())
      continue;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      fail("expected 'key = value'");
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (key == "config")
      fail("a config file cannot name another config file");
    CLI::Option* option = nullptr;
    try {
      option = command.get_option("--" + key);
    } catch (const CLI::OptionNotFound&) {
      fail("unknown option '" + key + "' (see aethex serve --help)");
    }
    if (option->count() > 0)
      continue;  // given on the command line
    try {
      option->add_result(value);
      option->run_callback();
    } catch (const CLI::Error& e) {
      fail("bad value for '" + key + "': " + e.what());
    }
  }
}

}  // namespace aethex::app
