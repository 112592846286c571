#include "net/app/config_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <CLI/CLI.hpp>

namespace aethex::app {
namespace {

// CLI11's TOML reader held to what `aethex serve` options are: flat keys with one value each.
// Refused where CLI11 would misread instead: a bare word (a flag set to "true" for CLI11), a
// '#' inside quotes (2.1.2 cuts the value there: a shortened secret or path), sections and
// dotted keys (subcommand paths), several values (the last one kept).
class serve_toml final : public CLI::ConfigTOML {
 public:
  explicit serve_toml(const CLI::App& command) : command_{command} {}

  std::vector<CLI::ConfigItem> from_config(std::istream& in) const override {
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    std::istringstream lines{text};
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      auto at = [&](const std::string& why) {
        return CLI::ConfigError("line " + std::to_string(number) + ": " + why);
      };
      auto hash = line.find('#');
      auto code = CLI::detail::trim_copy(line.substr(0, hash));
      if (!code.empty() && code.front() != '[' && code.front() != ';' &&
          (code.front() == '=' || code.find('=') == std::string::npos))
        throw at("expected 'key = value'");
      if (hash != std::string::npos && std::count(code.begin(), code.end(), '"') % 2 == 1)
        throw at("'#' inside a quoted value starts a comment; keep a secret with '#' in a file");
    }
    std::istringstream again{text};
    auto items = CLI::ConfigTOML::from_config(again);
    for (const auto& item : items) {
      if (!item.parents.empty())
        throw CLI::ConfigError("'" + CLI::detail::join(item.parents, ".") +
                               "': sections and dotted keys are not supported; keys are the "
                               "flag names of aethex serve");
      if (command_.get_option_no_throw("--" + item.name) == nullptr)
        throw CLI::ConfigError("unknown option '" + item.name + "' (see aethex serve --help)");
      if (item.inputs.size() != 1)
        throw CLI::ConfigError("'" + item.name +
                               "' takes one value (quote values with spaces or commas)");
    }
    return items;
  }

 private:
  const CLI::App& command_;  // owns this reader
};

// A secret file holds the secret alone; a trailing newline is not part of it.
std::string read_secret_file(const std::string& option, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw std::runtime_error("--" + option + ": cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.empty())
    throw std::runtime_error("--" + option + ": " + file.string() + " is empty");
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    std::clog << "warning: " << file.string() << " can be read by other users; chmod 600 it"
              << std::endl;
  return secret;
}

// Flag, else the file named by `<flag>-file`, else the environment variable. The variable is
// removed either way, so processes the node starts do not inherit it.
void settle_secret(const CLI::App& serve, const std::string& flag, const char* env,
                   std::string& value) {
  auto* file_option = serve.get_option("--" + flag + "-file");
  const char* from_env = std::getenv(env);
  if (value.empty() && file_option->count() > 0)
    value = read_secret_file(flag + "-file", file_option->as<std::string>());
  else if (value.empty() && from_env != nullptr)
    value = from_env;
  ::unsetenv(env);
}

// The flag or config key, else the variable (comma-separated too), which is then removed like
// the other secrets'. Blank entries ("a,,b", a trailing comma) are dropped, never used as keys.
void add_money_options(CLI::App& serve, runtime::monetization_config& money) {
  serve.add_option("--currency", money.currency, "ISO 4217 currency of every price and payout")
    ->capture_default_str()
    ->check([](const std::string& code) {
      bool ok = code.size() == 3 &&
                std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      return ok ? std::string{} : std::string{"a currency is three capital letters (USD, EUR)"};
    });
  serve
    .add_option("--payment-provider", money.provider, "sandbox (offline test payments) or stripe")
    ->capture_default_str()
    ->check(CLI::IsMember({"sandbox", "stripe"}));
  auto cut = CLI::Range(0u, 10000u);
  serve
    .add_option("--sub-cut-bp", money.sub_cut_bp, "Platform's cut of subscriptions, basis points")
    ->capture_default_str()
    ->check(cut);
  serve.add_option("--tip-cut-bp", money.tip_cut_bp, "Platform's cut of tips, basis points")
    ->capture_default_str()
    ->check(cut);
  serve
    .add_option("--gift-cut-bp", money.gift_cut_bp, "Platform's cut of gift bundles, basis points")
    ->capture_default_str()
    ->check(cut);
  serve
    .add_option("--fee-bp", money.fee_bp, "Processing fee passed on, basis points of the amount")
    ->capture_default_str()
    ->check(cut);
  serve
    .add_option("--fee-fixed", money.fee_fixed,
                "Processing fee passed on, fixed part (minor units)")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{0}, std::int64_t{100000}));
  serve.add_option("--payout-hold-days", money.hold_days, "Days earnings are held before payout")
    ->capture_default_str()
    ->check(CLI::Range(0u, 120u));
  serve
    .add_option("--payout-threshold", money.payout_threshold,
                "Smallest payout, minor units (5000 = 50.00)")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  serve.add_option("--stripe-api-key", money.stripe_api_key,
                   "Stripe secret API key (sk_...) for stripe mode (or $AETHEX_STRIPE_API_KEY; "
                   "prefer the config file or the variable: ps shows flags)");
  serve
    .add_option("--stripe-api-base", money.stripe_api_base,
                "Base URL of Stripe's API (tests point it at a stand-in)")
    ->capture_default_str()
    ->check([](const std::string& url) {
      return url.starts_with("https://") || url.starts_with("http://")
               ? std::string{}
               : std::string{"must be an http:// or https:// URL"};
    });
  serve.add_option("--tax-key-file", money.tax_key_file,
                   "Key file encrypting tax forms, outside the data folder "
                   "(default: <data folder>.tax-key)");
}

// Spotify now playing (docs/music.md): off until both the client id and the secret are set.
void add_spotify_options(CLI::App& serve, runtime::spotify_config& spotify) {
  auto url = [](const std::string& value) {
    return value.starts_with("https://") || value.starts_with("http://")
             ? std::string{}
             : std::string{"must be an http:// or https:// URL"};
  };
  serve.add_option("--spotify-client-id", spotify.client_id,
                   "Client id of the Spotify app that links channels' accounts (default: none, "
                   "Spotify off)");
  serve.add_option("--spotify-client-secret", spotify.client_secret,
                   "Client secret of that Spotify app (or $AETHEX_SPOTIFY_CLIENT_SECRET; prefer "
                   "the config file or the variable: ps shows flags)");
  serve
    .add_option("--spotify-accounts-url", spotify.accounts_url,
                "Base URL of Spotify's accounts service (tests point it at a stand-in)")
    ->capture_default_str()
    ->check(url);
  serve
    .add_option("--spotify-api-url", spotify.api_url,
                "Base URL of Spotify's Web API (tests point it at a stand-in)")
    ->capture_default_str()
    ->check(url);
  serve
    .add_option("--spotify-redirect-url", spotify.redirect_url,
                "Callback URL registered with the Spotify app (default: "
                "http://<advertise>/api/v1/music/spotify/callback)")
    ->check(url);
}

void settle_stripe_secrets(std::vector<std::string>& secrets) {
  const char* from_env = std::getenv("AETHEX_STRIPE_WEBHOOK_SECRET");
  if (secrets.empty() && from_env != nullptr) {
    std::istringstream list{from_env};
    for (std::string secret; std::getline(list, secret, ',');)
      secrets.push_back(secret);
  }
  ::unsetenv("AETHEX_STRIPE_WEBHOOK_SECRET");
  for (auto& secret : secrets)
    secret = CLI::detail::trim_copy(secret);
  std::erase_if(secrets, [](const std::string& secret) { return secret.empty(); });
}

}  // namespace

void add_serve_options(CLI::App& serve, runtime::node_config& config) {
  serve.add_option("--data", config.data_dir, "Data folder (events, HLS output, admin token)")
    ->capture_default_str();
  serve.add_option("--bind", config.bind, "Address every listener binds to")->capture_default_str();
  serve.add_option("--advertise", config.advertise,
                   "HOST[:PORT] other nodes and redirects use for this node's HTTP "
                   "(default: --bind and --http-port)");
  serve.add_option("--rtmp-port", config.rtmp_port, "RTMP ingest port (0 disables)")
    ->capture_default_str();
  serve.add_option("--srt-port", config.srt_port, "SRT ingest port, UDP (0 disables)")
    ->capture_default_str();
  serve
    .add_option("--srt-passphrase", config.srt_passphrase,
                "Encrypt SRT ingest (AES-128); publishers must send this passphrase (10-79 chars)")
    ->check([](const std::string& p) {
      return p.size() >= 10 && p.size() <= 79 ? std::string{}
                                              : std::string{"must be 10 to 79 characters"};
    });
  serve.add_option("--srt-passphrase-file",
                   "File holding the SRT passphrase "
                   "(or $AETHEX_SRT_PASSPHRASE; keeps it out of ps)");
  serve.add_option("--http-port", config.http_port, "HTTP + WebSocket port (0 disables)")
    ->capture_default_str();
  serve.add_option("--cluster-port", config.cluster_port,
                   "Cluster port, mutual TLS (default: 4100 with --join, else none)");
  serve.add_option("--cluster-bind", config.cluster_bind,
                   "Address the cluster port binds to (default: --bind)");
  serve.add_option("--join", config.join, "HOST:PORT of a cluster member to join");
  serve.add_option("--node-id", config.node_id, "Name of this node in the cluster");
  serve
    .add_option("--replicas", config.replicas,
                "Replicas of each partition's event log (Raft) in a cluster; 0: not replicated")
    ->capture_default_str();
  serve
    .add_option("--replica-dead-after", config.replica_dead_after_s,
                "Seconds after which a replica on a member that is gone is replaced")
    ->capture_default_str();
  serve
    .add_option("--replica-snapshot-every", config.replica_snapshot_every,
                "Raft log entries between two snapshots of a partition's group")
    ->check(CLI::Range(1u, 1u << 24))
    ->capture_default_str();
  serve.add_option("--cluster-secret", config.cluster_secret,
                   "Shared cluster secret (16+ characters) keying the nodes' mutual TLS; "
                   "visible in ps, prefer the file or $AETHEX_CLUSTER_SECRET");
  serve.add_option("--cluster-secret-file",
                   "File holding the cluster secret "
                   "(or $AETHEX_CLUSTER_SECRET; keeps it out of ps)");
  serve
    .add_option("--stripe-webhook-secret", config.stripe_webhook_secrets,
                "Signing secret (whsec_...) of the Stripe webhook endpoint; repeat it or separate "
                "two with a comma while rotating (or $AETHEX_STRIPE_WEBHOOK_SECRET; prefer the "
                "config file or the variable: ps shows flags)")
    ->delimiter(',')
    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_money_options(serve, config.money);
  serve.add_flag("--test-clock", config.test_clock,
                 "Let the admin move this node's clock forward (POST /api/v1/admin/test-clock); "
                 "for tests and demos only");
  serve.add_flag("--webhooks-allow-private", config.webhooks_allow_private,
                 "Let webhook URLs point at loopback and private addresses; for tests and "
                 "development only");
  add_spotify_options(serve, config.spotify);
  serve.add_option("--web-root", config.web_root, "Built web UI folder (default: <binary>/web)");
  serve.add_option("--io-threads", config.io_threads, "Network event loops, one thread each")
    ->capture_default_str()
    ->check(CLI::Range(1u, 64u));
  serve
    .add_option("--hls-segment-seconds", config.hls_segment_seconds,
                "Target HLS segment length (cut on the next keyframe)")
    ->capture_default_str()
    ->check(CLI::Range(1u, 10u));
  serve
    .add_option("--hls-viewer-window", config.hls_viewer_window_s,
                "Seconds an HLS or LL-HLS player counts as a viewer after its last playlist fetch")
    ->capture_default_str()
    ->check(CLI::Range(2u, 600u));
  serve
    .add_option("--ws-batch-from", config.ws_batch_from,
                "WebSocket viewers of a stream from which media goes out in ~200 ms batches")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  serve
    .add_option("--ws-long-batch-from", config.ws_long_batch_from,
                "WebSocket viewers of a stream from which the batches are ~500 ms")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  serve
    .add_option("--scheduler", config.scheduler,
                "Actor scheduler: sharing (idle workers sleep) or stealing (idle workers poll)")
    ->capture_default_str()
    ->check(CLI::IsMember({"sharing", "stealing"}));
  serve
    .add_option("--media-cors-origin", config.media_cors_origin,
                "Access-Control-Allow-Origin of HLS/LL-HLS/thumbnail answers (empty: none)")
    ->capture_default_str();
  serve.add_option("--smtp-url", config.smtp_url,
                   "SMTP relay for notification e-mail, e.g. smtp://127.0.0.1:25 or "
                   "smtps://user:password@host:465 (default: none, mail goes to the outbox)");
  serve.add_option("--mail-from", config.mail_from, "Sender of notification e-mail")
    ->capture_default_str();
  serve.add_option("--mail-outbox", config.mail_outbox,
                   "Folder of .eml files when no SMTP relay is set (default: <data>/outbox)");
  serve
    .add_option("--push-subject", config.push_subject,
                "How push services reach the operator: the VAPID subject, mailto: or https: "
                "(docs/mobile.md)")
    ->capture_default_str();
  serve.add_flag("--push-allow-private", config.push_allow_private,
                 "Accept web push endpoints on loopback and private hosts, over http too; for "
                 "tests and development only");
  serve
    .add_option("--abr-ladder", config.abr_ladder,
                "Renditions made for channels without a ladder of their own, e.g. 720p,480p,160p "
                "(default: none, source only); flac: the FLAC rendition for every channel, not "
                "only those in DJ mode")
    ->delimiter(',')
    ->check(CLI::IsMember({"1080p", "720p", "480p", "360p", "160p", "flac"}));
  serve
    .add_option("--transcode-budget-cores", config.transcode_budget_cores,
                "Cores all transcodes may use together; a ladder that does not fit is refused "
                "(default: half the machine's cores)")
    ->check(CLI::Range(0.0, 1024.0));
  serve
    .add_option("--transcode-preset", config.transcode_preset, "x264 speed preset of renditions")
    ->capture_default_str()
    ->check(CLI::IsMember({"ultrafast", "superfast", "veryfast", "faster", "fast", "medium"}));
  serve
    .add_option("--transcode-cost-decode", config.transcode_cost_decode,
                "Cores per megapixel/s of source decode (scripts/bench/transcode measures it)")
    ->capture_default_str()
    ->check(CLI::Range(0.0, 1.0));
  serve
    .add_option("--transcode-cost-scale", config.transcode_cost_scale,
                "Cores per megapixel/s of source scaled, per rendition")
    ->capture_default_str()
    ->check(CLI::Range(0.0, 1.0));
  serve
    .add_option("--transcode-cost-encode", config.transcode_cost_encode,
                "Cores per megapixel/s of rendition encode")
    ->capture_default_str()
    ->check(CLI::Range(0.0, 1.0));
}

void add_config_option(CLI::App& serve, std::string& file) {
  // Not CLI11's set_config: 2.1.2 reads that file for the top-level app only, where serve's
  // keys would need a [serve] section. apply_config_file reads it once serve is parsed.
  serve.add_option("--config", file, "Read options from a TOML file (key = value)")
    ->configurable(false);
}

void apply_config_file(CLI::App& command, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw std::runtime_error("cannot read config file " + file.string());
  apply_config(command, in, file.string());
}

void apply_config(CLI::App& command, std::istream& in, const std::string& name) {
  command.config_formatter(std::make_shared<serve_toml>(command));
  command.allow_config_extras(
    false);  // not CLI11's default of ignoring them; serve_toml names them
  try {
    // Fills options not given on the command line and runs their checks, as for flags.
    command.parse_from_stream(in);
  } catch (const CLI::Error& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
}

void finish_serve_options(const CLI::App& serve, runtime::node_config& config) {
  settle_secret(serve, "cluster-secret", "AETHEX_CLUSTER_SECRET", config.cluster_secret);
  settle_secret(serve, "srt-passphrase", "AETHEX_SRT_PASSPHRASE", config.srt_passphrase);
  settle_stripe_secrets(config.stripe_webhook_secrets);
  // The flag or config key, else the variable; removed either way, like the other secrets.
  if (const char* key = std::getenv("AETHEX_STRIPE_API_KEY");
      key != nullptr && config.money.stripe_api_key.empty())
    config.money.stripe_api_key = CLI::detail::trim_copy(std::string{key});
  ::unsetenv("AETHEX_STRIPE_API_KEY");
  while (config.money.stripe_api_base.ends_with('/'))
    config.money.stripe_api_base.pop_back();
  if (const char* secret = std::getenv("AETHEX_SPOTIFY_CLIENT_SECRET");
      secret != nullptr && config.spotify.client_secret.empty())
    config.spotify.client_secret = CLI::detail::trim_copy(std::string{secret});
  ::unsetenv("AETHEX_SPOTIFY_CLIENT_SECRET");
  for (auto* url : {&config.spotify.accounts_url, &config.spotify.api_url})
    while (url->ends_with('/'))
      url->pop_back();
  if (config.money.tax_key_file.empty()) {
    auto data = config.data_dir.lexically_normal();
    if (!data.has_filename())
      data = data.parent_path();  // "aethex-data/" names the folder too
    config.money.tax_key_file = data.string() + ".tax-key";
  }
  if (!config.srt_passphrase.empty() &&
      (config.srt_passphrase.size() < 10 || config.srt_passphrase.size() > 79))
    throw std::runtime_error("the SRT passphrase must have 10 to 79 characters");
  if (!config.join.empty() && serve.get_option("--cluster-port")->count() == 0)
    config.cluster_port = runtime::default_cluster_port;
}

}  // namespace aethex::app
