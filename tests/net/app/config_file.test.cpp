// `aethex serve --config FILE`: the real option set of `aethex serve`, read the way main() does.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "net/app/config_file.hpp"
#include "net/app/limit_options.hpp"

namespace {

namespace fs = std::filesystem;
using aethex::app::apply_config;

// `aethex serve` as main() builds it; `args` is what follows `aethex`.
struct serve_command {
  CLI::App app{"test"};
  CLI::App* serve = app.add_subcommand("serve");
  aethex::runtime::node_config config;
  std::string config_file;

  explicit serve_command(const std::string& args = "serve") {
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    aethex::app::add_config_option(*serve, config_file);
    aethex::app::add_serve_options(*serve, config);
    aethex::app::add_limit_options(*serve, config.limits);
    app.parse(args);
  }

  void read(const std::string& text) {
    std::istringstream in{text};
    apply_config(*serve, in, "node.toml");
  }
};

// The message of the refusal of `text`, or "" when it was read.
std::string refusal(const std::string& text) {
  serve_command command;
  try {
    command.read(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// A file that is removed when the test ends.
struct temp_file {
  fs::path path;
  explicit temp_file(const std::string& text)
      : path{fs::temp_directory_path() /
             ("aethex-config-test-" + std::to_string(::getpid()) + ".toml")} {
    std::ofstream{path} << text;
  }
  ~temp_file() { fs::remove(path); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
};

}  // namespace

TEST_CASE("a file sets serve options and limits") {
  serve_command command;
  command.read(
    "data = \"/srv/aethex\"\n"
    "io-threads = 4\n"
    "http-port = 0\n"
    "http-max-connections-per-address = 0\n"
    "signup-window = 60\n");
  CHECK(command.config.data_dir == "/srv/aethex");
  CHECK(command.config.io_threads == 4);
  CHECK(command.config.http_port == 0);
  CHECK(command.config.limits.http_max_per_address == 0);
  CHECK(command.config.limits.signup_window_s == 60);
  CHECK(command.config.bind == "127.0.0.1");  // not in the file: default
}

TEST_CASE("apply_config_file reads a file from disk") {
  temp_file file{"node-id = \"node-a\"\nrtmp-port = 1936\n"};
  serve_command command{"serve --config " + file.path.string()};
  aethex::app::apply_config_file(*command.serve, command.config_file);
  CHECK(command.config.node_id == "node-a");
  CHECK(command.config.rtmp_port == 1936);
}

TEST_CASE("values on the command line win over the file") {
  serve_command command{"serve --io-threads 8 --bind 0.0.0.0"};
  command.read("io-threads = 4\nbind = \"10.0.0.1\"\nhls-segment-seconds = 2\n");
  CHECK(command.config.io_threads == 8);
  CHECK(command.config.bind == "0.0.0.0");
  CHECK(command.config.hls_segment_seconds == 2);
}

TEST_CASE("an unknown key is refused with the file and the key named") {
  auto message = refusal("data = \"x\"\nhttp-prot = 8080\n");
  CHECK(message.find("node.toml: ") == 0);
  CHECK(message.find("unknown option 'http-prot'") != std::string::npos);
}

TEST_CASE("bad values are refused with the file and the key named") {
  for (const char* text : {"io-threads = 100\n", "io-threads = many\n", "io-threads = -1\n"}) {
    INFO(text);
    auto message = refusal(text);
    CHECK(message.find("node.toml: ") == 0);
    CHECK(message.find("io-threads") != std::string::npos);
  }
  auto message = refusal("srt-passphrase = \"short\"\n");
  CHECK(message.find("node.toml: ") == 0);
  CHECK(message.find("srt-passphrase") != std::string::npos);
}

TEST_CASE("comments, blank lines and quoted strings") {
  serve_command command;
  command.read(
    "# a node\n"
    "\n"
    "   # indented comment\n"
    "web-root = \"/opt/aethex web, v2\"   # spaces and a comma inside quotes\n"
    "node-id = plain # an unquoted word\n"
    "io-threads = 3#no space before the comment\n");
  CHECK(command.config.web_root == "/opt/aethex web, v2");
  CHECK(command.config.node_id == "plain");
  CHECK(command.config.io_threads == 3);
}

TEST_CASE("what would be misread is refused instead") {
  // CLI11 would cut the value at the '#'.
  auto hash = refusal("data = \"x\"\ncluster-secret = \"correct horse #battery\"\n");
  CHECK(hash.find("node.toml: ") == 0);
  CHECK(hash.find("line 2") != std::string::npos);
  // A line that is not `key = value` (CLI11 reads a bare word as a flag set to "true").
  CHECK(refusal("data = \"x\"\nbind\n").find("node.toml: line 2:") == 0);
  CHECK(refusal("= 5\n").find("node.toml: line 1:") == 0);
  // Several values for a one-value option.
  CHECK(refusal("data = a b\n").find("'data'") != std::string::npos);
  CHECK(refusal("data = [\"a\", \"b\"]\n").find("'data'") != std::string::npos);
  // Sections and dotted keys are not flag names.
  CHECK(refusal("[serve]\ndata = \"x\"\n").find("'serve'") != std::string::npos);
  CHECK(refusal("serve.data = \"x\"\n").find("'serve'") != std::string::npos);
  // A config file cannot name another one.
  CHECK(refusal("config = \"other.toml\"\n").find("config") != std::string::npos);
}

TEST_CASE("the transcode ladder is a comma-separated list of rendition names") {
  serve_command from_file;
  from_file.read("abr-ladder = \"480p,160p\"\ntranscode-budget-cores = 0.5\n");
  CHECK(from_file.config.abr_ladder == std::vector<std::string>{"480p", "160p"});
  CHECK(from_file.config.transcode_budget_cores == doctest::Approx(0.5));
  serve_command from_flags{"serve --abr-ladder 720p,360p --transcode-preset veryfast"};
  CHECK(from_flags.config.abr_ladder == std::vector<std::string>{"720p", "360p"});
  CHECK(from_flags.config.transcode_preset == "veryfast");
  auto message = refusal("abr-ladder = \"480p,4k\"\n");
  CHECK(message.find("abr-ladder") != std::string::npos);
  CHECK(refusal("transcode-preset = \"placebo\"\n").find("transcode-preset") != std::string::npos);
}

TEST_CASE("Stripe webhook secrets: flag, else config file, else the environment") {
  auto settled = [](const std::string& args, const std::string& file, const char* env) {
    if (env)
      ::setenv("AETHEX_STRIPE_WEBHOOK_SECRET", env, 1);
    else
      ::unsetenv("AETHEX_STRIPE_WEBHOOK_SECRET");
    serve_command command{args};
    command.read(file);
    aethex::app::finish_serve_options(*command.serve, command.config);
    CHECK(std::getenv("AETHEX_STRIPE_WEBHOOK_SECRET") == nullptr);  // not inherited by children
    return command.config.stripe_webhook_secrets;
  };
  using secrets = std::vector<std::string>;
  CHECK(settled("serve", "", nullptr).empty());
  CHECK(settled("serve --stripe-webhook-secret whsec_a --stripe-webhook-secret whsec_b",
                "stripe-webhook-secret = \"whsec_file\"\n",
                "whsec_env") == secrets{"whsec_a", "whsec_b"});
  CHECK(settled("serve --stripe-webhook-secret whsec_a,whsec_b", "", nullptr) ==
        secrets{"whsec_a", "whsec_b"});
  CHECK(settled("serve", "stripe-webhook-secret = \"whsec_old,whsec_new\"\n", "whsec_env") ==
        secrets{"whsec_old", "whsec_new"});
  CHECK(settled("serve", "", "whsec_env1, whsec_env2,") == secrets{"whsec_env1", "whsec_env2"});
}

TEST_CASE("Stripe API key: flag, else config file, else the environment; the API base") {
  auto settled = [](const std::string& args, const std::string& file, const char* env) {
    if (env)
      ::setenv("AETHEX_STRIPE_API_KEY", env, 1);
    else
      ::unsetenv("AETHEX_STRIPE_API_KEY");
    serve_command command{args};
    command.read(file);
    aethex::app::finish_serve_options(*command.serve, command.config);
    CHECK(std::getenv("AETHEX_STRIPE_API_KEY") == nullptr);  // not inherited by children
    return command.config.money;
  };
  CHECK(settled("serve", "", nullptr).stripe_api_key.empty());
  CHECK(settled("serve", "", nullptr).stripe_api_base == "https://api.stripe.com");
  CHECK(settled("serve --stripe-api-key sk_flag", "stripe-api-key = \"sk_file\"\n", "sk_env")
          .stripe_api_key == "sk_flag");
  CHECK(settled("serve", "stripe-api-key = \"sk_file\"\n", "sk_env").stripe_api_key == "sk_file");
  CHECK(settled("serve", "", "sk_env").stripe_api_key == "sk_env");
  CHECK(settled("serve --stripe-api-base http://127.0.0.1:9/", "", nullptr).stripe_api_base ==
        "http://127.0.0.1:9");
  CHECK_THROWS(settled("serve --stripe-api-base ftp://x", "", nullptr));
}

TEST_CASE("a missing file is refused with its name") {
  serve_command command;
  auto missing = fs::temp_directory_path() / "aethex-config-test-missing.toml";
  fs::remove(missing);
  try {
    aethex::app::apply_config_file(*command.serve, missing);
    FAIL("a missing config file was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string{e.what()}.find(missing.string()) != std::string::npos);
  }
}

TEST_CASE("the documented example config is valid and sets the defaults it shows") {
  serve_command command;
  std::ifstream in{fs::path{AETHEX_SOURCE_DIR} / "docs" / "aethex.example.toml"};
  REQUIRE(in);
  apply_config(*command.serve, in, "aethex.example.toml");
  CHECK(command.serve->get_option("--hash-queue")->count() == 1);  // read from the file
  aethex::runtime::node_config defaults;
  CHECK(command.config.data_dir == defaults.data_dir);
  CHECK(command.config.http_port == defaults.http_port);
  CHECK(command.config.limits.hash_queue == defaults.limits.hash_queue);
  CHECK(command.config.limits.http_max_connections == defaults.limits.http_max_connections);
}
