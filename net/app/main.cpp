// aethex: the single binary — `serve` runs a node, other subcommands talk to a running one.
#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "net/app/config_file.hpp"
#include "net/app/limit_options.hpp"
#include "net/app/http_client.hpp"
#include "net/app/node.hpp"
#include "net/app/read_models.hpp"
#include "net/console/console.hpp"

namespace {

using aethex::runtime::node_config;

std::string read_token(const std::string& explicit_token, const std::string& data_dir) {
  if (!explicit_token.empty())
    return explicit_token;
  if (const char* env = std::getenv("AETHEX_TOKEN"); env && *env)
    return env;
  std::ifstream in(std::filesystem::path{data_dir} / "admin.token");
  std::string token;
  in >> token;
  return token;
}

// One admin call to a running node; prints the JSON reply's error message on failure.
std::optional<nlohmann::json> admin_call(const std::string& connect, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         const std::string& token, unsigned expected_status) {
  if (token.empty()) {
    std::cerr << "error: no admin token (use --token, AETHEX_TOKEN or --data of the node)\n";
    return std::nullopt;
  }
  auto result = aethex::app::http_call_retrying_moved(connect, method, target, body, token);
  if (result.status == 0) {
    std::cerr << "error: " << result.error << "\n";
    return std::nullopt;
  }
  auto reply = nlohmann::json::parse(result.body, nullptr, false);
  if (result.status != expected_status || reply.is_discarded()) {
    std::string message = result.body;
    if (!reply.is_discarded() && reply.contains("error"))
      message = reply["error"].value("message", result.body);
    std::cerr << "error: " << message << " (HTTP " << result.status << ")\n";
    return std::nullopt;
  }
  return reply;
}

int create_channel(const std::string& name, const std::string& title, const std::string& connect,
                   const std::string& token) {
  nlohmann::json body{{"name", name}};
  if (!title.empty())
    body["title"] = title;
  auto reply = admin_call(connect, "POST", "/api/v1/channels", body.dump(), token, 201);
  if (!reply)
    return 1;
  std::cout << reply->value("stream_key", "") << std::endl;
  return 0;
}

int drain_node(const std::string& connect, const std::string& token) {
  auto reply = admin_call(connect, "POST", "/api/v1/cluster/drain", "{}", token, 200);
  if (!reply)
    return 1;
  std::cout << "node " << reply->value("node_id", "") << " owns no partitions now" << std::endl;
  return 0;
}

}  // namespace

// jemalloc (net/app/CMakeLists.txt) reads its options from this symbol. Two arenas, as glibc's
// were limited to before: with one arena per core and thread caches the soak's private memory
// grew ~1 MiB a minute; and a background thread returns decayed pages while the node is idle.
extern "C" const char* const malloc_conf = "narenas:2,background_thread:true";

int main(int argc, char** argv) {
  // Every player's connection and every live segment (an in-memory file sent with sendfile)
  // takes a descriptor: the soft limit (often 1,024) would cap a node at a few hundred players
  // and streams long before its other limits; the hard limit is the operator's (as nginx's
  // worker_rlimit_nofile).
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  CLI::App app{"AeThex LIVE: self-hosted live streaming node"};
  app.require_subcommand(1);
  // A flag given twice takes its last value, so wrappers can append overrides.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

  node_config config;
  auto* serve = app.add_subcommand("serve", "Run a node (RTMP/SRT ingest, HLS, web UI, API)");
  // Every flag can also come from a file (flags on the command line win);
  // docs/aethex.example.toml documents them all.
  std::string config_file;
  aethex::app::add_config_option(*serve, config_file);
  aethex::app::add_serve_options(*serve, config);
  aethex::app::add_limit_options(*serve, config.limits);

  auto* channel = app.add_subcommand("channel", "Manage channels on a running node");
  channel->require_subcommand(1);
  auto* create = channel->add_subcommand("create", "Create a channel and print its stream key");
  std::string name, title, connect = "127.0.0.1:8080", token, data_dir = "aethex-data";
  create->add_option("name", name, "Channel name (3-25 of a-z, 0-9, _)")->required();
  create->add_option("--title", title, "Stream title");
  create->add_option("--connect", connect, "HOST:HTTPPORT of the node")->capture_default_str();
  create->add_option("--token", token, "Admin token (default: $AETHEX_TOKEN or DATA/admin.token)");
  create->add_option("--data", data_dir, "Data folder of a local node, to read its admin token")
    ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "Node maintenance (data folder, cluster)");
  admin->require_subcommand(1);
  auto* drain = admin->add_subcommand(
    "drain", "Move a running node's partitions to the other cluster members (it stays an edge)");
  std::string drain_connect = "127.0.0.1:8080", drain_token, drain_data = "aethex-data";
  drain->add_option("--connect", drain_connect, "HOST:HTTPPORT of the node")->capture_default_str();
  drain->add_option("--token", drain_token,
                    "Admin token (default: $AETHEX_TOKEN or DATA/admin.token)");
  drain->add_option("--data", drain_data, "Data folder of a local node, to read its admin token")
    ->capture_default_str();
  auto* rebuild = admin->add_subcommand(
    "rebuild-projections", "Rebuild the SQLite read models from the event store (node stopped)");
  std::string admin_data = "aethex-data";
  rebuild->add_option("--data", admin_data, "Data folder of the node")->capture_default_str();

  aethex::console::console_options console_opts;
  auto* console = app.add_subcommand("console",
                                     "Admin console: script entities of a running node "
                                     "(prompt, -f script or stdin; docs/console.md)");
  console->add_option("--connect", console_opts.connect, "HOST:HTTPPORT of the node")
    ->capture_default_str();
  console->add_option("--token", console_opts.token,
                      "Admin token (default: $AETHEX_TOKEN or DATA/admin.token)");
  console
    ->add_option("--data", console_opts.data_dir,
                 "Data folder of a local node, to read its admin token")
    ->capture_default_str();
  console->add_flag("--json", console_opts.json, "One JSON object per command on stdout");
  console->add_option("-f,--file", console_opts.file, "Run this script instead of the prompt");
  console->add_flag("--keep-going", console_opts.keep_going,
                    "Scripts: run on after a failed command (the exit status still says so)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; a usage error exits 2, which scripts can tell from a failed command.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (serve->parsed()) {
    if (!config_file.empty()) {
      try {
        aethex::app::apply_config_file(*serve, config_file);
      } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
      }
    }
    try {
      aethex::app::finish_serve_options(*serve, config);
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 2;
    }
    return aethex::app::run_node(config);
  }
  if (console->parsed())
    return aethex::console::run_console(console_opts);
  if (rebuild->parsed())
    return aethex::app::rebuild_projections(admin_data, std::cout, std::cerr);
  if (drain->parsed())
    return drain_node(drain_connect, read_token(drain_token, drain_data));
  if (create->parsed())
    return create_channel(name, title, connect, read_token(token, data_dir));
  return 0;
}
