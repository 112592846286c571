// The one boundary every ingest provider (RTMP, SRT) talks through.
//
// A provider authenticates a publisher by asking `ingest_handler::open`, then pushes the
// publisher's media as a byte stream in one container format into the returned sink. The handler
// lives above the providers (it sends messages to the channel and media actors); providers never
// know about actors.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace aethex::net::ingest {

enum class container {
  flv,     // FLV file bytes: header, then tags (RTMP)
  mpegts,  // MPEG-TS packets (SRT)
};

struct publish_request {
  std::string protocol;    // "rtmp" or "srt"
  std::string app;         // RTMP application ("live"); empty for SRT
  std::string stream_key;  // secret: never log it
  std::string peer;        // "ip:port" of the publisher, for logs
  container format = container::flv;
  /// Ends the publisher's connection (the channel owner ended the stream); callable from any
  /// thread, at any time, also after the connection is gone. Set by the provider.
  std::function<void(std::string reason)> disconnect = [](std::string) {};
};

/// What a stream's own metadata says plays now (RTMP onMetaData/onTextData; docs/music.md).
/// `text` is an onTextData line ("Artist - Title") the receiver splits; the rest may be empty.
struct stream_metadata {
  std::string title;
  std::string artist;
  std::string album;
  std::string text;
};

/// Receives one publish session's media. Called from the provider's I/O thread, in order.
class ingest_sink {
 public:
  virtual ~ingest_sink() = default;
  /// A run of container bytes; boundaries carry no meaning.
  virtual void write(std::span<const std::byte> bytes) = 0;
  /// The publisher sent now-playing metadata (at publish or any time later), between writes in
  /// stream order. Ignored unless the receiver cares.
  virtual void metadata(stream_metadata) {}
  /// The publisher is gone (clean unpublish, disconnect or error). Called exactly once.
  virtual void close(std::string reason) = 0;
};

struct open_result {
  std::shared_ptr<ingest_sink> sink;  // null when rejected
  std::string reject_reason;          // human-readable, never contains the key
};

class ingest_handler {
 public:
  virtual ~ingest_handler() = default;
  /// Asynchronously validates the key and starts a media session. `done` may run on any thread;
  /// providers must hop back to their own executor before touching connection state.
  virtual void open(publish_request request, std::function<void(open_result)> done) = 0;
};

}  // namespace aethex::net::ingest
