#include "net/app/limit_options.hpp"

#include <CLI/CLI.hpp>

namespace aethex::app {

void add_limit_options(CLI::App& serve, runtime::node_limits& limits) {
  auto group = "Limits (0 = no limit)";
  auto add = [&](const char* name, auto& value, const char* help) {
    serve.add_option(name, value, help)->capture_default_str()->group(group);
  };
  add("--http-max-connections", limits.http_max_connections,
      "HTTP + WebSocket connections in total; beyond it new ones get 503");
  add("--http-max-connections-per-address", limits.http_max_per_address,
      "HTTP + WebSocket connections per client address (IPv6: per /64); 0 behind a reverse proxy");
  serve
    .add_option("--http-header-timeout", limits.http_header_timeout_s,
                "Seconds a client has to send a complete request head")
    ->capture_default_str()
    ->group(group)
    ->check(CLI::Range(1u, 600u));
  add("--rtmp-max-connections", limits.rtmp_max_connections, "RTMP connections in total");
  add("--rtmp-max-connections-per-address", limits.rtmp_max_per_address,
      "RTMP connections per client address, publishing or not");
  add("--srt-max-connections", limits.srt_max_connections, "SRT connections in total");
  add("--srt-max-connections-per-address", limits.srt_max_per_address,
      "SRT connections per client address");
  add("--signups-per-address", limits.signups_per_address,
      "Sign-ups per client address per --signup-window");
  serve.add_option("--signup-window", limits.signup_window_s, "Sign-up window in seconds")
    ->capture_default_str()
    ->group(group)
    ->check(CLI::Range(1u, 86'400u));
  add("--logins-per-address", limits.logins_per_address,
      "Log-in attempts per client address per minute");
  add("--max-channels-per-user", limits.channels_per_user,
      "Channels one account may create (the admin token is exempt)");
  serve
    .add_option("--hash-threads", limits.hash_threads,
                "Threads hashing passwords (argon2id, 64 MiB each while busy)")
    ->capture_default_str()
    ->group(group)
    ->check(CLI::Range(1u, 16u));
  serve
    .add_flag("--minimum-password-cost", limits.minimum_password_cost,
              "Hash new passwords with argon2id's minimum cost: load tests only, never for "
              "real accounts")
    ->group(group);
  add("--hash-queue", limits.hash_queue, "Password hashes that may wait for a thread; beyond: 503");
}

}  // namespace aethex::app
