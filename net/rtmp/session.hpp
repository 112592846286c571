// The RTMP publishing protocol for one connection, without sockets: bytes in, bytes out, events.
//
// The owner feeds received bytes to receive(), sends whatever take_output() returns, and answers
// each publish request (take_events()) with accept_publish() or reject_publish() once the ingest
// handler has decided. Accepted media leaves as an FLV byte stream written into the sink.
#pragma once

#include "net/ingest/ingest_handler.hpp"
#include "net/rtmp/amf0.hpp"
#include "net/rtmp/chunk_reader.hpp"
#include "net/rtmp/chunk_writer.hpp"
#include "net/rtmp/handshake.hpp"
#include "net/rtmp/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aethex::net::rtmp {

struct session_options {
  std::uint32_t out_chunk_size = 4096;
  std::uint32_t window_ack_size = 2'500'000;      // sent on connect: how often the peer should ack
  std::uint32_t peer_bandwidth = 2'500'000;       // sent on connect (limit type dynamic)
  std::uint32_t default_peer_window = 2'500'000;  // until the peer sends Window Ack Size
  chunk_reader_limits limits{};
  std::size_t max_pending_media = 8 * 1024 * 1024;  // FLV bytes held while the handler decides
  // Until the key was accepted no message may exceed this (commands are a few hundred bytes), so
  // an unauthenticated peer cannot make the reader buffer 16 MiB messages; commands never may.
  std::size_t max_command_size = 64 * 1024;
};

/// The peer asked to publish; answer with accept_publish/reject_publish using `id`.
struct publish_requested {
  std::uint64_t id = 0;
  ingest::publish_request request;
};
/// A publish session ended (deleteStream, FCUnpublish); the sink is already closed.
struct unpublished {
  std::string reason;
};
using session_event = std::variant<publish_requested, unpublished>;

class session {
 public:
  explicit session(std::string peer, session_options options = {});
  ~session();  // closes an open sink
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Processes received bytes. An error means the connection must be closed (call close()).
  status receive(std::span<const std::uint8_t> bytes);
  /// Bytes to send to the peer since the last call.
  std::vector<std::uint8_t> take_output();
  /// Events since the last call, in order.
  std::vector<session_event> take_events();

  /// The handler accepted publish request `id`: start the FLV stream and tell the peer.
  void accept_publish(std::uint64_t id, std::shared_ptr<ingest::ingest_sink> sink);
  /// The handler refused: tell the peer; wants_close() becomes true.
  void reject_publish(std::uint64_t id, std::string_view reason);
  /// The connection is going away: closes the sink (once) with `reason`. Idempotent.
  void close(std::string reason);

  /// True once the peer should be disconnected after pending output is flushed.
  bool wants_close() const noexcept { return wants_close_; }
  bool publishing() const noexcept { return phase_ == phase::publishing; }
  bool closed() const noexcept { return phase_ == phase::closed; }
  const std::string& app() const noexcept { return app_; }
  const std::string& peer() const noexcept { return peer_; }
  std::uint64_t bytes_received() const noexcept { return bytes_in_; }

 private:
  enum class phase { handshake, unconnected, connected, publish_pending, publishing, closed };

  status on_message(message& m);
  status on_command(std::span<const std::uint8_t> body, std::uint32_t stream_id);
  status command_too_big(std::size_t bytes) const;
  void on_media(std::uint8_t type, std::uint32_t timestamp, std::span<const std::uint8_t> body);
  void on_aggregate(const message& m);
  void on_data_call(std::span<const std::uint8_t> body);
  void unpublish(std::string reason);
  void maybe_acknowledge();

  void send(std::uint32_t chunk_stream, std::uint8_t type, std::uint32_t stream_id,
            std::span<const std::uint8_t> payload);
  void send_control(std::uint8_t type, std::uint32_t value);
  void send_command(std::uint32_t chunk_stream, std::uint32_t stream_id,
                    std::initializer_list<amf0::value> values);
  void send_status(std::string_view level, std::string_view code, std::string_view description);

  std::string peer_;
  session_options opt_;
  phase phase_ = phase::handshake;
  handshake handshake_;
  chunk_reader reader_;
  chunk_writer writer_;
  std::vector<std::uint8_t> out_;
  std::vector<session_event> events_;
  std::vector<message> inbox_;

  std::string app_;
  std::uint32_t next_stream_id_ = 1;
  std::uint32_t publish_stream_id_ = 0;
  std::uint64_t publish_id_ = 0;  // id of the latest publish request
  std::shared_ptr<ingest::ingest_sink> sink_;
  std::vector<std::uint8_t> pending_flv_;  // media received while the handler decides
  std::optional<ingest::stream_metadata> pending_metadata_;  // the latest, while it decides
  bool wants_close_ = false;

  std::uint64_t bytes_in_ = 0;
  std::uint64_t last_ack_ = 0;
  std::uint32_t peer_window_;
};

/// Appends the 13-byte FLV file header (audio+video flags, PreviousTagSize0).
void append_flv_header(std::vector<std::uint8_t>& out);
/// Appends one FLV tag (header, body, PreviousTagSize).
void append_flv_tag(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint32_t timestamp,
                    std::span<const std::uint8_t> body);

}  // namespace aethex::net::rtmp
