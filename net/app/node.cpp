#include "net/app/node.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/modules.hpp"
#include "media/certificate_pdf.hpp"
#include "media/clip_renderer.hpp"
#include "media/media_session.hpp"
#include "media/slide_renderer.hpp"
#include "media/thumbnailer.hpp"
#include "net/app/module_wiring.hpp"
#include "net/app/node_routes.hpp"
#include "net/live/audio_ws.hpp"
#include "net/live/chat_ws.hpp"
#include "net/live/console_ws.hpp"
#include "net/live/ingest_bridge.hpp"
#include "net/live/media_relay.hpp"
#include "net/live/media_routes.hpp"
#include "net/app/api_binding.hpp"
#include "net/app/cluster_setup.hpp"
#include "net/app/node_services.hpp"
#include "net/app/outbound_http.hpp"
#include "net/mail/mailer.hpp"
#include "net/app/http_routes.hpp"
#include "net/app/metrics.hpp"
#include "net/app/read_models.hpp"
#include "net/http/server.hpp"
#include "net/rtmp/server.hpp"
#include "net/srt/server.hpp"
#include "net/app/whip_peers.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"
#include "storage/event_store.hpp"

namespace aethex::app {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The admin token is shown once, through a file only the operator can read; the node keeps its
// digest only. The file is created 0600 from the start (never readable for a moment under the
// umask), never over an existing file, and a failed write stops the node rather than leaving a
// token nobody can read.
std::string ensure_admin_token(storage::event_store& store, const std::filesystem::path& data) {
  if (auto digest = store.get_meta("admin_token_sha256"))
    return *digest;
  auto token = runtime::random_hex(32);
  auto file = data / "admin.token";
  auto fail = [&](const char* what) {
    throw std::runtime_error("cannot " + std::string{what} + " " + file.string() + ": " +
                             std::strerror(errno));
  };
  // A file left by an earlier start that died before saving the digest holds a token nobody
  // accepts: replace it (O_EXCL then guards against a link or file planted meanwhile).
  if (::unlink(file.c_str()) != 0 && errno != ENOENT)
    fail("remove the stale");
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    fail("create");
  auto text = token + "\n";
  auto written = ::write(fd, text.data(), text.size());
  bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || written != static_cast<ssize_t>(text.size()) || !synced)
    fail("write");
  auto digest = runtime::token_digest(token);
  store.put_meta("admin_token_sha256", digest);
  std::clog << "node: created admin token in " << file.string() << "\n";
  return digest;
}

std::filesystem::path default_web_root() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{"build/web"} : exe.parent_path() / "web";
}

// Transcoding as the options ask; the budget defaults to half the machine, so the copy path
// and the network always keep the other half.
media::transcode_settings transcode_settings_of(const runtime::node_config& config) {
  media::transcode_settings settings;
  settings.default_ladder = config.abr_ladder;
  double cores = config.transcode_budget_cores;
  if (cores < 0)
    cores = std::max(1u, std::thread::hardware_concurrency()) / 2.0;
  settings.budget = std::make_shared<media::transcode_budget>(cores);
  settings.costs = {config.transcode_cost_decode, config.transcode_cost_scale,
                    config.transcode_cost_encode};
  settings.speed_preset = config.transcode_preset;
  return settings;
}

}  // namespace

int run_node(const runtime::node_config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    std::cerr << "error: cannot create data folder " << config.data_dir << ": " << ec.message()
              << "\n";
    return 1;
  }
  if (auto missing = media::initialize_gstreamer(); !missing.empty()) {
    std::cerr << "error: " << missing << "\n";
    return 1;
  }
  if (config.limits.minimum_password_cost)
    std::cerr << "warning: --minimum-password-cost: new passwords are hashed with argon2id's "
                 "minimum cost (load tests only)\n";
  auto metrics = std::make_shared<node_metrics>();
  std::unique_ptr<storage::event_store> store;
  try {
    // Replicated partitions are durable in the Raft log (synced) before they are applied here;
    // a store that loses its unsynced tail in a crash gets it back from the log at start.
    storage::event_store::options store_options;
    store_options.sync = !(clusters(config) && config.replicas > 0);
    store = storage::event_store::open(config.data_dir / "events", store_options);
    store->observe_appends([metrics](std::chrono::nanoseconds took) {
      metrics->observe_append(std::chrono::duration<double>(took).count());
    });
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::string admin_digest;
  try {
    admin_digest = ensure_admin_token(*store, config.data_dir);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  auto modules = actors::all_modules();
  std::shared_ptr<read_models> read_model;
  // Replicated partitions: bots, webhooks and notifications act on an event on its leader only.
  auto leadership = std::make_shared<partition_leadership>();
  try {
    read_model = std::make_shared<read_models>(
      *store, config.data_dir, modules,
      [leadership](std::string_view stream) { return leadership->acts_on(stream); });
  } catch (const std::exception& e) {
    std::cerr << "error: read models in " << config.data_dir << ": " << e.what()
              << " (aethex admin rebuild-projections rebuilds them)\n";
    return 1;
  }
  auto hls_root = config.data_dir / "hls";
  std::shared_ptr<net::mail::mailer> mailer;
  try {
    mailer = std::make_shared<net::mail::mailer>(net::mail::options{
      config.smtp_url, config.mail_from,
      config.mail_outbox.empty() ? config.data_dir / "outbox" : config.mail_outbox});
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  auto web_root = config.web_root.empty() ? default_web_root() : config.web_root;

  caf::actor_system_config cfg;
  try {
    configure_actor_system(cfg, config, modules);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  // Idle work-stealing workers poll (1 ms naps here, CAF's 50 µs default costs more): a steady
  // share of a core. Sharing workers block on one queue; see node_config::scheduler.
  if (config.scheduler == "sharing")
    cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 8);
  cfg.set("work-stealing.moderate-sleep-duration", caf::timespan{std::chrono::milliseconds(1)});
  cfg.set("work-stealing.moderate-poll-attempts", 50);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  runtime::offset_clock test_clock;  // before the actor system: entities read it to the end
  replication replicated;            // likewise: entities append through it to the end
  caf::actor_system sys{cfg};
  try {
    replicated = start_replication(sys, config, *store);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }

  // The modules, hook by hook (actors/core/module.hpp says the order).
  actors::node_env env;
  if (config.test_clock)
    env.clock = &test_clock;
  env.sys = &sys;
  env.store = replicated.store ? replicated.store.get() : store.get();
  env.config = &config;
  // Requests off the node (Stripe's API): stopped before the actor system goes, so no answer
  // reaches an actor of a system that is gone; entities asking later hear an error.
  auto outbound = std::make_shared<outbound_http>();
  struct stop_outbound {
    std::shared_ptr<outbound_http> transport;
    ~stop_outbound() { transport->stop(); }
  } stop_transport{outbound};
  env.send_http = [outbound](actors::outbound_request request, outbound_done done) {
    outbound->send(std::move(request), std::move(done));
  };
  env.node_id = node_id_of(config);
  env.admin_token_digest = admin_digest;
  env.http_endpoint = http_endpoint_of(config);
  env.started_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  auto registry = runtime::spawn_entity_registry(sys, module_kinds(modules, env),
                                                 partition_storage_of(*store));
  env.registry = registry;
  // The node's one thumbnail worker: channel thumbnails, posters and VOD thumbnail strips.
  auto thumbnails = std::make_shared<media::thumbnailer>();
  auto media_supervisor = media::spawn_media_supervisor(sys, transcode_settings_of(config),
                                                        thumbnails);
  auto api_cache = std::make_shared<response_cache>();
  auto services = spawn_node_services(sys, read_model, media_supervisor, env.services, api_cache);
  // Every actor the node started, for the error paths and the shutdown.
  auto stop_actors = [&] {
    for (auto& actor : env.services->all())
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    for (auto& actor : {media_supervisor, registry, services})
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    if (replicated.host)
      caf::anon_send_exit(replicated.host, caf::exit_reason::user_shutdown);
  };
  caf::actor membership;
  if (clusters(config)) {
    auto started = start_membership(sys, config, registry, services, *store, replicated.host,
                                    leadership);
    if (!started) {
      std::cerr << "error: " << message_of(started.error()) << "\n";
      stop_actors();
      return 1;
    }
    membership = *started;
    std::clog << "ready: cluster " << cluster_bind_of(config) << ":" << config.cluster_port
              << " node " << node_id_of(config) << std::endl;
  }
  env.membership = membership;
  env.services->add(std::string{actors::service_names::mail},
                    net::mail::spawn_mail_service(sys, mailer));
  env.services->add(std::string{actors::service_names::clip_renderer},
                    media::spawn_clip_renderer(sys, registry, config.data_dir, env.node_id));
  // Every member draws certificate PDFs for its own requests (actors/certificates).
  env.services->add(std::string{actors::service_names::certificate_renderer},
                    media::spawn_certificate_renderer(sys));
  // Every member renders the webinar slides uploaded to it (actors/webinars).
  env.services->add(std::string{actors::service_names::slide_renderer},
                    media::spawn_slide_renderer(sys, registry, config.data_dir, env.node_id));
  // "End stream" reaches the member that ingests the session through this topic.
  env.services->add(std::string{actors::service_names::end_stream}, media_supervisor);
  env.query = [&sys, membership, read_model](std::string name, nlohmann::json args, auto done) {
    query_read_models(sys, membership, read_model, std::move(name), std::move(args),
                      std::move(done));
  };
  env.read_models_changed = [read_model] { read_model->notify(); };
  env.publish = [&sys, membership, services](std::string topic, std::string payload) {
    publish_to_members(sys, membership, services, std::move(topic), std::move(payload));
  };
  auto routes = start_modules(modules, env);
  add_node_routes(routes, {&sys, membership, env.node_id, read_model, services,
                           config.test_clock ? &test_clock : nullptr});
  // Events applied here invalidate cached API answers here and on every other member.
  api_cache->track(routes);
  read_model->on_change([&sys, api_cache, membership, id = env.node_id](const auto& kinds) {
    auto relevant = api_cache->relevant(kinds);
    api_cache->invalidate(relevant);
    announce_changes(sys, membership, id, std::move(relevant));
  });
  // The observer spawns actors from the runner's thread, and CAF 0.17 keeps its logger alive
  // for every thread that spawned (a thread-local reference): ~actor_system waits for the
  // logger, so that thread must have ended before the system goes, or teardown hangs.
  struct stop_read_models {
    std::shared_ptr<read_models> models;
    ~stop_read_models() { models->stop(); }
  } stop_runner{read_model};

  auto relays = live::spawn_edge_relays(sys, registry, membership, node_id_of(config));
  media::hls_options hls;
  hls.target_duration_s = config.hls_segment_seconds;
  hls.viewer_window_s = config.hls_viewer_window_s;
  hls.ws_batching.from_subscribers = config.ws_batch_from;
  hls.ws_batching.long_from_subscribers = config.ws_long_batch_from;
  // Recordings the node left open when it stopped become VODs before anything records again.
  if (auto recovered = media::recover_recordings(sys, registry, config.data_dir, thumbnails))
    std::clog << "vod: finalised " << recovered << " recording(s) interrupted by a stop\n";
  live::ingest_bridge ingest{sys, registry,           media_supervisor, hls_root,
                             hls, node_id_of(config), config.data_dir};

  net::http::io_pool loops{config.io_threads};
  auto& io = loops.main();
  std::optional<net::http::server> http;
  std::optional<net::rtmp::server> rtmp;
  std::optional<net::srt::server> srt;
  // Browser ingest (WHIP, docs/ingest.md) on the HTTP port; off when an element it needs is
  // missing (gstreamer1.0-nice provides webrtcbin's ICE).
  std::optional<net::whip::endpoint> whip;
  if (config.http_port != 0) {
    std::string missing;
    if (auto peers = make_whip_peers(missing); peers.start)
      whip.emplace(io, ingest, std::move(peers));
    else
      std::clog << "whip: browser ingest is off: GStreamer element " << missing << " is missing\n";
  }
  try {
    auto address = asio::ip::make_address(config.bind);
    if (config.http_port != 0) {
      live::live_context live{&sys,
                              registry,
                              membership,
                              media_supervisor,
                              relays,
                              hls_root,
                              config.data_dir,
                              node_id_of(config),
                              admin_digest,
                              env.services,
                              config.media_cors_origin,
                              live::make_outputs_cache()};
      metrics_sources scrape{&sys,
                             metrics,
                             media_supervisor,
                             env.services->find(actors::service_names::chat_hub),
                             membership,
                             read_model,
                             store.get()};
      net::http::server_options http_options;
      http_options.body_limit_of = body_limits_of(routes);
      http_context context{live,   web_root, std::move(routes), env.resolve_bearer,
                           scrape, api_cache};
      context.whip = whip ? &*whip : nullptr;
      http_options.header_timeout_s = config.limits.http_header_timeout_s;
      http_options.max_connections = config.limits.http_max_connections;
      http_options.max_connections_per_address = config.limits.http_max_per_address;
      http_options.on_upgrade = make_upgrade_handler(
        {live::make_ws_media_module(live), live::make_console_ws(live), live::make_chat_ws(live),
         live::make_audio_ws(live)});
      http.emplace(loops, tcp::endpoint{address, config.http_port},
                   make_http_handler(std::move(context)), http_options);
      std::clog << "ready: http " << config.bind << ":" << http->port() << std::endl;
    }
    if (config.rtmp_port != 0) {
      net::rtmp::server_options rtmp_options;
      rtmp_options.max_connections = config.limits.rtmp_max_connections;
      rtmp_options.max_connections_per_address = config.limits.rtmp_max_per_address;
      rtmp.emplace(
        io, [&loops]() -> asio::io_context& { return loops.next(); },
        tcp::endpoint{address, config.rtmp_port}, ingest, rtmp_options);
      std::clog << "ready: rtmp " << config.bind << ":" << rtmp->port() << std::endl;
    }
    if (config.srt_port != 0) {
      net::srt::server_options srt_options;
      srt_options.passphrase = config.srt_passphrase;
      srt_options.max_connections = config.limits.srt_max_connections;
      srt_options.max_connections_per_address = config.limits.srt_max_per_address;
      srt.emplace(net::srt::endpoint{config.bind, config.srt_port}, ingest, srt_options);
      std::clog << "ready: srt " << config.bind << ":" << srt->port() << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: cannot listen on " << config.bind << ": " << e.what() << "\n";
    stop_actors();
    caf::anon_send_exit(relays, caf::exit_reason::user_shutdown);
    return 1;
  }

  auto stop_serving = [&] {
    if (http)
      http->stop();
    if (whip)
      whip->stop();  // closes browser sessions' sinks like SRT's below
    if (rtmp)
      rtmp->stop();
    if (srt)
      srt->stop();  // closes live SRT sessions' sinks before the actors are told to exit
    loops.stop();
  };
  // In a cluster the node keeps serving while its partitions move away; a second signal
  // stops it at once.
  std::thread drainer;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    std::clog << "node: signal " << signal << ", shutting down" << std::endl;
    if (!membership)
      return stop_serving();
    signals.async_wait([&](const boost::system::error_code&, int) { stop_serving(); });
    drainer = std::thread{[&] {
      drain_before_leaving(sys, membership);
      asio::post(io, stop_serving);
    }};
  });
  loops.run();
  if (drainer.joinable())
    drainer.join();
  // Module services (chat sessions among them) go first: they must stop writing to sockets
  // before the io_context goes.
  stop_actors();
  caf::anon_send_exit(relays, caf::exit_reason::user_shutdown);
  if (membership)
    caf::anon_send_exit(membership, caf::exit_reason::user_shutdown);
  // The Raft host runs on a thread of its own, which ends (and lets the system go) only once
  // no handle to it is left: `replicated` outlives the system.
  replicated.host = nullptr;
  // CAF 0.17 can hang tearing down a middleman-enabled actor system (a race with its detached
  // actors). Every acknowledged event is already WAL-synced, so a forced exit loses nothing.
  std::thread{[] {
    std::this_thread::sleep_for(std::chrono::seconds(8));
    std::clog << "node: stopped (actor system teardown timed out)" << std::endl;
    std::_Exit(0);
  }}.detach();
  std::clog << "node: stopped" << std::endl;
  return 0;
}

}  // namespace aethex::app
