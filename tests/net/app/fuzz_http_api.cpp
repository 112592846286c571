// libFuzzer target: REST API requests through the node's real route table
// (net/app/http_routes.cpp, net/app/api/*.cpp) over an in-process node: RocksDB event store and
// SQLite read models in a temp folder, the actor system with the entity registry, chat hub,
// console service and node services, wired as net/app/node.cpp wires them (no sockets, no media
// pipelines). The input picks a method, a route from the list below (or a raw target), a
// credential and a body; the request goes through the connection's parser first, so only what a
// connection would accept reaches the routes.
//
// Checks: no crash; exactly one response per request, within 20 s; a status a client can read;
// error statuses carry the JSON error body; files outside the web and HLS roots are never served.
// State (accounts, channels) carries over from input to input, as on a node.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include <boost/beast/http/write.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include "actors/modules.hpp"
#include "media/media_session.hpp"
#include "net/app/cluster_setup.hpp"
#include "net/app/http_routes.hpp"
#include "net/app/module_wiring.hpp"
#include "net/app/node_routes.hpp"
#include "net/app/node_services.hpp"
#include "net/live/media_relay.hpp"
#include "net/app/read_models.hpp"
#include "net/http/server.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/node_config.hpp"
#include "runtime/secrets.hpp"
#include "storage/event_store.hpp"

namespace {

using namespace aethex;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace bhttp = boost::beast::http;

constexpr std::string_view admin_token =
  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
constexpr std::string_view secret_marker = "FUZZ-SECRET-OUTSIDE-THE-ROOTS";

// Every route of net/app/api/*.cpp and the other handlers of http_routes.cpp; `{}` is filled
// from the input (a name, an id, a query or a file path).
constexpr std::string_view routes[] = {
  "/api/v1/auth/signup",
  "/api/v1/auth/login",
  "/api/v1/auth/logout",
  "/api/v1/me",
  "/api/v1/users/{}",
  "/api/v1/channels",
  "/api/v1/channels?{}",
  "/api/v1/channels/{}",
  "/api/v1/channels/{}/stream-key",
  "/api/v1/channels/{}/health",
  "/api/v1/cluster",
  "/api/v1/cluster/drain",
  "/api/v1/admin/console",
  "/api/v1/health",
  "/api/v1/{}",
  "/hls/{}",
  "/{}",
  "{}",
};
constexpr bhttp::verb methods[] = {bhttp::verb::get,     bhttp::verb::post, bhttp::verb::patch,
                                   bhttp::verb::delete_, bhttp::verb::put,  bhttp::verb::head,
                                   bhttp::verb::options};

// One response, delivered from whichever thread answers.
struct reply_slot {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<net::http::response> res;
  int calls = 0;
  void put(net::http::response r) {
    std::lock_guard lock{mu};
    if (++calls > 1)
      __builtin_trap();  // respond_fn is callable once
    res = std::move(r);
    cv.notify_all();
  }
  std::optional<net::http::response> wait() {
    std::unique_lock lock{mu};
    cv.wait_for(lock, 20s, [&] { return res.has_value(); });
    return std::move(res);
  }
};

struct api_node {
  std::filesystem::path folder = std::filesystem::temp_directory_path() /
                                 ("aethex-fuzz-api-" + std::to_string(::getpid()));
  std::unique_ptr<storage::event_store> store;
  std::shared_ptr<app::read_models> read_model;
  actors::module_list modules = actors::all_modules();
  runtime::node_config config;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  net::http::request_handler handler;
  std::string user_token;  // session of the account "fuzzuser"

  api_node() {
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder / "web");
    std::filesystem::create_directories(folder / "hls" / "alice");
    std::ofstream{folder / "web" / "index.html"} << "<!doctype html><title>fuzz</title>";
    std::ofstream{folder / "hls" / "alice" / "index.m3u8"} << "#EXTM3U\n";
    std::ofstream{folder / "secret.txt"} << secret_marker;
    config.data_dir = folder;
    config.cluster_port = 0;
    config.node_id = "fuzz";
    store = storage::event_store::open(folder / "events");
    read_model = std::make_shared<app::read_models>(*store, folder, modules);
    app::configure_actor_system(cfg, config, modules);
    cfg.set("logger.verbosity", caf::atom("quiet"));
    // Idle CAF workers nap up to 10 ms between polls; each input is a few hops, so short naps
    // make the difference between tens and hundreds of inputs per second.
    cfg.set("scheduler.max-threads", 2);
    cfg.set("work-stealing.moderate-sleep-duration", caf::timespan{20us});
    cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{200us});
    sys = std::make_unique<caf::actor_system>(cfg);

    // The node's module wiring (net/app/node.cpp), without listeners.
    actors::node_env env;
    env.sys = sys.get();
    env.store = store.get();
    env.config = &config;
    env.node_id = "fuzz";
    env.admin_token_digest = runtime::token_digest(admin_token);
    env.http_endpoint = "127.0.0.1:0";
    auto registry = runtime::spawn_entity_registry(*sys, app::module_kinds(modules, env),
                                                   app::partition_storage_of(*store));
    env.registry = registry;
    auto media = media::spawn_media_supervisor(*sys);
    app::spawn_node_services(*sys, read_model, media, env.services);
    env.query = [this](std::string name, json args, auto done) {
      app::query_read_models(*sys, caf::actor{}, read_model, std::move(name), std::move(args),
                             std::move(done));
    };
    env.read_models_changed = [this] { read_model->notify(); };
    auto routes = app::start_modules(modules, env);
    app::add_node_routes(routes, {sys.get(), caf::actor{}, "fuzz", read_model});

    live::live_context live{sys.get(),
                            registry,
                            caf::actor{},
                            media,
                            live::spawn_edge_relays(*sys, registry, caf::actor{}, "fuzz"),
                            folder / "hls",
                            "fuzz",
                            runtime::token_digest(admin_token),
                            env.services};
    handler = app::make_http_handler({live, folder / "web", std::move(routes), env.resolve_bearer});

    // An account and a channel to act on; the seeds name them.
    call(bhttp::verb::post, "/api/v1/auth/signup", "",
         R"({"username":"fuzzuser","password":"fuzz-password-1"})");
    auto login = call(bhttp::verb::post, "/api/v1/auth/login", "",
                      R"({"username":"fuzzuser","password":"fuzz-password-1"})");
    if (login)
      user_token = json::parse(login->body().str(), nullptr, false).value("token", "");
    call(bhttp::verb::post, "/api/v1/channels", "Bearer " + std::string{admin_token},
         R"({"name":"alice","title":"Alice"})");
  }

  std::optional<net::http::response> call(bhttp::verb method, std::string target,
                                          std::string authorization, std::string body) {
    net::http::request req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!authorization.empty())
      req.set(bhttp::field::authorization, authorization);
    req.body() = std::move(body);
    req.prepare_payload();
    // Through the connection's parser: what it refuses never reaches the routes.
    std::ostringstream wire;
    wire << req;
    auto parsed = net::http::parse_request(wire.str(), net::http::server_options{}.max_body_bytes);
    if (parsed.result != net::http::parsed_request::status::complete)
      return std::nullopt;
    auto slot = std::make_shared<reply_slot>();
    try {
      handler(std::move(parsed.req), "127.0.0.1:40000",
              [slot](net::http::response res) { slot->put(std::move(res)); });
    } catch (const std::exception&) {
      slot->put(net::http::error_response(500, "internal", "internal error"));  // as the server
    }
    auto res = slot->wait();
    if (!res)
      __builtin_trap();  // no response: the client would wait until its timeout
    return res;
  }
};

api_node& node() {
  static auto* n = new api_node;  // never destroyed: see LLVMFuzzerInitialize
  return *n;
}

void check(const net::http::response& res) {
  auto status = res.result_int();
  if (status < 200 || status > 599)
    __builtin_trap();
  auto type = res[bhttp::field::content_type];
  if (status >= 400) {
    auto body = json::parse(res.body().str(), nullptr, false);
    if (type != "application/json" || !body.is_object() || !body.contains("error") ||
        !body["error"].is_object() || !body["error"].value("code", json{}).is_string() ||
        !body["error"].value("message", json{}).is_string())
      __builtin_trap();  // every error is the JSON error body
  }
  if (type != "application/json" && res.body().str().find(secret_marker) != std::string::npos)
    __builtin_trap();  // a file outside the web and HLS roots was served
  auto copy = res;
  copy.prepare_payload();
  std::ostringstream wire;
  wire << copy;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  node();
  // Skip static teardown at exit: CAF would wait for every actor, and the data is disposable.
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(node().folder, ec);
    std::_Exit(0);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in{data, size};
  auto method = methods[in.ConsumeIntegralInRange<std::size_t>(0, std::size(methods) - 1)];
  std::string target{routes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(routes) - 1)]};
  auto credential = in.ConsumeIntegralInRange<int>(0, 3);
  auto parameter = in.ConsumeRandomLengthString(256);
  if (auto at = target.find("{}"); at != std::string::npos)
    target.replace(at, 2, parameter);
  auto& n = node();
  std::string authorization;
  if (credential == 1)
    authorization = "Bearer " + std::string{admin_token};
  else if (credential == 2)
    authorization = "Bearer " + n.user_token;
  else if (credential == 3)
    authorization = in.ConsumeRandomLengthString(128);
  if (auto res = n.call(method, target, authorization, in.ConsumeRemainingBytesAsString()))
    check(*res);
  return 0;
}
