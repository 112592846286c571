// Mutual TLS between cluster nodes, keyed by the cluster secret alone.
//
// The cluster CA is derived from the secret: argon2id (libsodium crypto_pwhash, fixed salt,
// see docs/cluster.md) turns it into an Ed25519 seed, and the self-signed CA certificate made
// from that key has fixed fields, so every node that knows the secret builds the same CA
// without any file being copied between machines. At start each node makes a fresh key and a
// certificate signed by that CA in its data folder; CAF's OpenSSL module then presents it and
// requires the peer's to chain to the CA, so only secret holders complete a handshake and no
// cluster byte travels in clear. The CA private key lives only in memory while signing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace caf {
class actor_system_config;
}

namespace aethex::runtime {

/// Shortest cluster secret accepted: a guess costs one argon2id run, so a short secret is the
/// only weak point of the scheme.
inline constexpr std::size_t min_cluster_secret_length = 16;

struct tls_files {
  std::filesystem::path certificate;  // this node's certificate (PEM)
  std::filesystem::path key;          // its private key (PEM, mode 0600)
  std::filesystem::path ca;           // the cluster CA certificate (PEM)
};

/// Writes the CA derived from `secret`, a new key and a CA-signed certificate naming
/// `node_id` into `dir` (created with mode 0700). Throws std::runtime_error with a clear
/// message (secret shorter than min_cluster_secret_length, files not writable, OpenSSL error).
tls_files make_node_credentials(std::string_view secret, std::string_view node_id,
                                const std::filesystem::path& dir);

/// Loads CAF's OpenSSL module on `cfg` with `files`: every connection made through
/// caf::openssl::publish / remote_actor is then TLS with certificates verified on both sides.
/// Also ignores SIGPIPE (TLS writes to a vanished peer must not kill the node).
void configure_cluster_tls(caf::actor_system_config& cfg, const tls_files& files);

}  // namespace aethex::runtime
