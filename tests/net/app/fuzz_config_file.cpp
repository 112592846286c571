// libFuzzer target: an `aethex serve --config FILE` file, read into the real option set of
// `aethex serve` (net/app/config_file.cpp, CLI11's config reader) the way main() does. Bad files
// must end in one std::runtime_error naming the file; good ones must leave only values the
// options accept.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "net/app/config_file.hpp"
#include "net/app/limit_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CLI::App app{"fuzz"};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // as main()
  auto* serve = app.add_subcommand("serve");
  std::string config_file;
  aethex::app::add_config_option(*serve, config_file);
  aethex::runtime::node_config config;
  aethex::app::add_serve_options(*serve, config);
  aethex::app::add_limit_options(*serve, config.limits);
  std::istringstream in{std::string{reinterpret_cast<const char*>(data), size}};
  try {
    aethex::app::apply_config(*serve, in, "fuzz.toml");
  } catch (const std::runtime_error& e) {
    if (std::string_view{e.what()}.substr(0, 11) != "fuzz.toml: ")
      __builtin_trap();  // every refusal names the file
    return 0;
  }
  const auto& limits = config.limits;
  if (config.io_threads < 1 || config.io_threads > 64 || config.hls_segment_seconds < 1 ||
      config.hls_segment_seconds > 10 ||
      (!config.srt_passphrase.empty() &&
       (config.srt_passphrase.size() < 10 || config.srt_passphrase.size() > 79)) ||
      limits.http_header_timeout_s < 1 || limits.http_header_timeout_s > 600 ||
      limits.signup_window_s < 1 || limits.signup_window_s > 86'400 || limits.hash_threads < 1 ||
      limits.hash_threads > 16 || !config_file.empty())
    __builtin_trap();  // a value the command line would have refused got through
  return 0;
}
