// A GStreamer chain fed from a pad of ours, run synchronously on the caller's thread, whose
// appsink collects the result. The keyframe decoder and the clip trimmer's re-encoder use it.
//
// There is no appsrc on purpose: appsrc pushes from a streaming thread of GStreamer's default
// task pool, a GLib thread pool shared with every ingest pipeline. The work would then run at
// normal priority whatever the worker's nice value, and lowering that pooled thread instead
// could not be undone (raising a nice value back needs CAP_SYS_NICE) and would leak into the
// next live stream's pipeline. So the caller pushes into the first element's sink pad itself:
// without queues the whole chain runs on its thread. The chain's first element is named
// "first" and its appsink "sink" (sync=false async=false wait-on-eos=false: the sink reaches
// PLAYING without prerolling, so a push never waits for a state change, and EOS is not held
// until a sample is pulled by the thread that pushes it).
#pragma once

#include <span>

#include "media/gst_util.hpp"

namespace aethex::media {

// GStreamer's unref functions for caps, buffers and samples are static inline, so the smart
// pointers of media/gst_util.hpp that hold them have internal linkage and cannot appear in
// this interface: caps are borrowed and samples handed over as plain pointers.
class pushed_chain {
 public:
  /// Builds and starts `description`; `output_caps`, when not null, goes to its element
  /// "caps". Throws std::runtime_error when GStreamer cannot build or start it.
  pushed_chain(const char* description, GstCaps* output_caps);
  ~pushed_chain();
  pushed_chain(const pushed_chain&) = delete;
  pushed_chain& operator=(const pushed_chain&) = delete;

  /// Stream start, `input_caps` and a time segment; false when the chain refuses them.
  bool begin(GstCaps* input_caps);
  /// One buffer through the chain, on this thread; false when an element fails.
  bool push(std::span<const std::byte> data, GstClockTime pts, GstClockTime dts,
            GstClockTime duration = GST_CLOCK_TIME_NONE);
  /// EOS: elements with delay (a decoder's reorder, an encoder's lookahead) drain into the sink.
  void end();
  /// The next sample in the sink (the caller owns it), waiting up to `timeout`; null when
  /// there is none.
  GstSample* pull(GstClockTime timeout);
  /// An element of the chain by name (a new reference).
  gst::object_ptr<GstElement> element(const char* name) const;

  /// begin, push one buffer at 0, end and pull: one picture in, one result out (owned).
  GstSample* run(GstCaps* input_caps, std::span<const std::byte> data);

 private:
  gst::pipeline_ptr pipeline_;  // first: released last
  gst::object_ptr<GstElement> sink_;
  gst::object_ptr<GstPad> src_;
};

/// H.264 access units with 4-byte lengths and `avcc` as codec data, one per buffer: what an
/// avdec_h264 chain takes from an MP4 track. The caller owns the caps.
GstCaps* avc_caps(std::span<const std::byte> avcc);

}  // namespace aethex::media
