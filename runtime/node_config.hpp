// Settings of one node, filled from the command line (see `aethex serve --help`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/limits.hpp"

namespace aethex::runtime {

inline constexpr std::uint16_t default_cluster_port = 4100;

// Money (docs/monetization.md). Amounts in minor units of `currency`; cuts and the fee's share
// in basis points (1/100 of a percent), so no floating point reaches the ledger.
struct monetization_config {
  std::string currency = "USD";
  std::string provider = "sandbox";  // "sandbox" (offline test payments) or "stripe"
  unsigned sub_cut_bp = 5000;        // the platform's cut of subscriptions, like Twitch's 50 %
  unsigned tip_cut_bp = 0;           // tips go to the creator whole, less the processing fee
  unsigned gift_cut_bp = 5000;       // gift bundles (sub gifts count as subscriptions)
  unsigned fee_bp = 290;             // processing fee passed on: 2.9 % + 30 (Stripe's card rate)
  std::int64_t fee_fixed = 30;
  unsigned hold_days = 15;               // earnings wait this long before they can be paid out
  std::int64_t payout_threshold = 5000;  // the smallest payout (50.00)
  // Key file of the tax forms' encryption (libsodium secretbox); kept outside the data folder
  // so a copy of the data alone does not reveal them. Empty: "<data folder>.tax-key" beside it.
  std::filesystem::path tax_key_file;
  // Stripe mode's secret API key (sk_...), sent as the bearer of every request to Stripe.
  // Secret: never logged. Empty: stripe mode cannot create sessions or charge (503 / failed).
  std::string stripe_api_key;
  // Where Stripe's API is; tests point it at a loopback stand-in.
  std::string stripe_api_base = "https://api.stripe.com";
};

// Spotify now playing (docs/music.md, "Spotify"): an app's credentials from Spotify's developer
// dashboard; without both, linking is refused (503) and nothing polls. The secret is never
// logged. The URLs are Spotify's; tests point them at a loopback stand-in.
struct spotify_config {
  std::string client_id;
  std::string client_secret;
  std::string accounts_url = "https://accounts.spotify.com";
  std::string api_url = "https://api.spotify.com";
  // Where Spotify sends the browser back (registered in the app's settings); empty:
  // http://<this node's HTTP address>/api/v1/music/spotify/callback.
  std::string redirect_url;
};

struct node_config {
  std::filesystem::path data_dir = "aethex-data";
  std::filesystem::path web_root;  // built web UI; empty = <binary dir>/web
  std::string bind = "127.0.0.1";
  std::string cluster_bind;        // address of the cluster port; empty = bind
  std::string advertise;           // "host[:port]" of this node's HTTP for redirects; empty = bind
  std::uint16_t rtmp_port = 1935;  // 0 disables a listener
  std::uint16_t srt_port = 9000;
  std::string srt_passphrase;  // AES passphrase SRT publishers must know; empty = none. Secret.
  std::uint16_t http_port = 8080;
  // 0: no cluster port. Set by --cluster-port, or 4100 when --join is given without it: a node
  // that is not asked to cluster listens for nothing but its front ends.
  std::uint16_t cluster_port = 0;
  std::string join;  // "host:port" of a cluster member, empty for a standalone node
  // Replicas of each partition's event log in a cluster (Raft; storage/raft): groups have
  // min(replicas, members) voters. 0: partitions are not replicated, each lives on one owner
  // and moves between members. A node that does not cluster has no groups either way.
  unsigned replicas = 3;
  // A replica on a member gone this long is replaced by one on a live member.
  unsigned replica_dead_after_s = 60;
  // Log entries between two snapshots of a group (a quarter of them stay behind each one for
  // followers a little behind); a replica further behind catches up from the snapshot.
  unsigned replica_snapshot_every = 4096;
  std::string node_id;
  std::string cluster_secret;  // from --cluster-secret(-file) or AETHEX_CLUSTER_SECRET. Secret.
  unsigned io_threads = 2;
  unsigned hls_segment_seconds = 1;
  unsigned hls_viewer_window_s = 30;  // an HLS player counts this long after its last playlist
  // WebSocket media viewers of one stream on this node from which live packets go out in
  // ~200 ms batches, and from which in ~500 ms ones (media/fmp4_hub.hpp).
  std::size_t ws_batch_from = 64;
  std::size_t ws_long_batch_from = 1000;
  // How CAF's workers wait for work: "sharing" (one queue, idle workers block: no CPU when
  // idle, the cheapest under media load) or "stealing" (per-worker queues, idle workers poll:
  // ~10 % more chat deliveries when a room is overloaded, a steady share of a core when idle).
  std::string scheduler = "sharing";
  // Access-Control-Allow-Origin of HLS, LL-HLS and thumbnail answers, so players and CDNs on
  // other origins can fetch them; empty sends none.
  std::string media_cors_origin = "*";
  // Adaptive bitrate: renditions for channels that choose no ladder of their own (empty: the
  // source only), the cores all transcodes together may use (negative: half the machine's),
  // x264's speed preset, and the cost model that decides whether a ladder fits (cores per
  // million pixels per second decoded / scaled / encoded; scripts/bench/transcode fits them).
  std::vector<std::string> abr_ladder;
  double transcode_budget_cores = -1;
  std::string transcode_preset = "superfast";
  double transcode_cost_decode = 0.0046;
  double transcode_cost_scale = 0.0018;
  double transcode_cost_encode = 0.020;
  // Notification e-mail: an SMTP relay URL ("smtp://host:port", credentials in its user info;
  // secret) or, when empty, .eml files in `mail_outbox` (empty: <data>/outbox).
  std::string smtp_url;
  std::string mail_from = "AeThex LIVE <notifications@localhost>";
  std::filesystem::path mail_outbox;
  // Signing secrets of the Stripe webhook endpoint ("whsec_..."), two while one is rotated out;
  // empty: POST /api/v1/payments/stripe/webhook answers 503. Secret: never logged.
  std::vector<std::string> stripe_webhook_secrets;
  monetization_config money;  // docs/monetization.md
  // The admin may move this node's clock forward (POST /api/v1/admin/test-clock): for tests
  // and demos of renewals and payout holds, never for a node that takes real money.
  bool test_clock = false;
  // Webhook URLs (actors/webhooks) may be on loopback and private hosts: tests and development
  // only, since a channel owner could otherwise make the node call into the operator's network.
  bool webhooks_allow_private = false;
  // Web push (docs/mobile.md): the VAPID `sub` claim (RFC 8292), how a push service reaches
  // the operator ("mailto:" or "https:"); and whether subscriptions may point at loopback and
  // private hosts, over http too (tests and development only).
  std::string push_subject = "mailto:admin@localhost";
  bool push_allow_private = false;
  spotify_config spotify;
  node_limits limits;  // connection caps, rate limits, quotas (runtime/limits.hpp)
};

}  // namespace aethex::runtime
