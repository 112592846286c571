// Browser ingest (WHIP, docs/ingest.md): one WebRTC peer connection received by GStreamer's
// webrtcbin, decoded, composited per layout and re-encoded to H.264 + AAC in FLV, which the
// caller hands to the channel's media session exactly like RTMP's bytes.
//
// The pipeline runs from construction: a black picture and silence are encoded until the
// browser's tracks arrive (ICE, DTLS), so the FLV stream starts at once and keeps a steady frame
// rate whatever the browser sends. Video tracks are told apart by their order in the offer: the
// first video m-line is the screen, the second the camera (a lone video track fills the frame).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace aethex::media {

enum class webrtc_layout { screen, camera, screen_camera, side_by_side };

struct webrtc_ingest_options {
  int width = 1280;
  int height = 720;
  int fps = 30;  // the x264 keyframe interval is one second of frames
  int video_kbps = 2500;
  int audio_kbps = 128;
  unsigned jitter_ms = 100;  // webrtcbin's jitterbuffer
};

struct webrtc_ingest_callbacks {
  /// The SDP answer with every ICE candidate gathered, or an error (then `answer` is empty).
  /// Called once, from a GStreamer thread.
  std::function<void(std::string answer, std::string error)> answered;
  /// FLV bytes (header first), in order, from the pipeline's streaming thread.
  std::function<void(std::span<const std::byte>)> media;
  /// The connection failed (ICE failure, pipeline error). At most once, from any GStreamer thread.
  std::function<void(std::string reason)> ended;
};

/// What is wrong with an offer for this receiver, empty if it can be answered: a parseable SDP
/// with at most one audio and two video m-lines (and at least one of them).
std::string webrtc_offer_error(std::string_view sdp);

class webrtc_ingest {
 public:
  /// Starts the pipeline and answers the offer asynchronously (`callbacks.answered`). Throws
  /// std::invalid_argument for an offer webrtc_offer_error refuses, std::runtime_error when the
  /// pipeline cannot be built. Never calls back from inside the constructor.
  webrtc_ingest(std::string_view offer, webrtc_layout layout, webrtc_ingest_callbacks callbacks,
                webrtc_ingest_options options = {});
  /// Stops the pipeline; no callback runs after it returns. Never call it from a callback.
  ~webrtc_ingest();
  webrtc_ingest(const webrtc_ingest&) = delete;
  webrtc_ingest& operator=(const webrtc_ingest&) = delete;

  /// Time since the last RTP packet arrived (since construction while none has).
  std::chrono::milliseconds idle() const;

  /// The first GStreamer element this needs that is not installed, or nullptr.
  static const char* missing_element();

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace aethex::media
