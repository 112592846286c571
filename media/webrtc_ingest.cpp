#include "media/webrtc_ingest.hpp"

#include <array>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "media/gst_util.hpp"

namespace aethex::media {
namespace {

using steady = std::chrono::steady_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now().time_since_epoch())
    .count();
}

struct sdp_release {
  void operator()(GstSDPMessage* m) const noexcept { gst_sdp_message_free(m); }
};
using sdp_ptr = std::unique_ptr<GstSDPMessage, sdp_release>;

// The offer's m-line kinds in order; nullopt when it does not parse.
std::optional<std::vector<std::string>> media_kinds(std::string_view sdp, sdp_ptr* keep) {
  GstSDPMessage* raw = nullptr;
  if (gst_sdp_message_new(&raw) != GST_SDP_OK)
    return std::nullopt;
  sdp_ptr message{raw};
  if (gst_sdp_message_parse_buffer(reinterpret_cast<const guint8*>(sdp.data()),
                                   static_cast<guint>(sdp.size()), raw) != GST_SDP_OK)
    return std::nullopt;
  std::vector<std::string> kinds;
  for (guint i = 0; i < gst_sdp_message_medias_len(raw); ++i) {
    const char* kind = gst_sdp_media_get_media(gst_sdp_message_get_media(raw, i));
    kinds.emplace_back(kind ? kind : "");
  }
  if (keep)
    *keep = std::move(message);
  return kinds;
}

struct rect {
  int x, y, width, height, zorder;
};

// Where video track `ordinal` (of `count`) goes in a width×height frame; nullopt = not shown.
std::optional<rect> place(webrtc_layout layout, int count, int ordinal, int width, int height) {
  if (count == 1)
    return rect{0, 0, width, height, 1};
  const int half_w = width / 2 & ~1, half_h = height / 2 & ~1;
  switch (layout) {
    case webrtc_layout::screen:
      return ordinal == 0 ? std::optional<rect>{rect{0, 0, width, height, 1}} : std::nullopt;
    case webrtc_layout::camera:
      return ordinal == 1 ? std::optional<rect>{rect{0, 0, width, height, 1}} : std::nullopt;
    case webrtc_layout::screen_camera: {
      if (ordinal == 0)
        return rect{0, 0, width, height, 1};
      const int w = width / 4 & ~1, h = height / 4 & ~1, margin = width / 40 & ~1;
      return rect{width - w - margin, height - h - margin, w, h, 2};
    }
    case webrtc_layout::side_by_side:
      return rect{ordinal == 0 ? 0 : half_w, height / 4 & ~1, half_w, half_h, 1};
  }
  return std::nullopt;
}

constexpr std::array<const char*, 17> needed = {
  "webrtcbin",    "nicesrc",      "decodebin",  "compositor",    "audiomixer", "videotestsrc",
  "audiotestsrc", "videoconvert", "videoscale", "x264enc",       "h264parse",  "avenc_aac",
  "aacparse",     "flvmux",       "appsink",    "audioresample", "valve"};

}  // namespace

struct webrtc_ingest::state {
  webrtc_ingest_callbacks callbacks;
  webrtc_ingest_options options;
  webrtc_layout layout = webrtc_layout::screen;
  std::vector<std::string> kinds;  // the offer's m-lines
  int video_count = 0;
  GstElement* pipeline = nullptr;
  GstElement* rtc = nullptr;
  std::atomic<std::int64_t> last_rtp_ms{now_ms()};

  std::mutex mu;  // guards what follows, and serialises callbacks against stop()
  bool stopped = false;
  bool answered = false;
  bool ended = false;
  bool local_set = false;
  std::vector<std::string> candidates;  // gathered, in case the description lacks them

  void answer(std::string sdp, std::string error) {
    std::lock_guard lock{mu};
    if (stopped || answered)
      return;
    answered = true;
    callbacks.answered(std::move(sdp), std::move(error));
  }
  void end(std::string reason) {
    std::lock_guard lock{mu};
    if (stopped || ended)
      return;
    ended = true;
    if (!answered) {
      answered = true;
      callbacks.answered({}, reason);
    }
    callbacks.ended(std::move(reason));
  }
  void media(std::span<const std::byte> bytes) {
    std::lock_guard lock{mu};
    if (!stopped)
      callbacks.media(bytes);
  }

  int video_ordinal(guint mline) const {
    int ordinal = 0;
    for (guint i = 0; i < mline && i < kinds.size(); ++i)
      ordinal += kinds[i] == "video";
    return ordinal;
  }
};

namespace {

using state = webrtc_ingest::state;

void add_and_sync(GstElement* pipeline, std::initializer_list<GstElement*> elements) {
  for (auto* e : elements) {
    gst_bin_add(GST_BIN(pipeline), e);
    gst_element_sync_state_with_parent(e);
  }
}

GstElement* make(const char* factory) {
  auto* e = gst_element_factory_make(factory, nullptr);
  if (!e)
    throw std::runtime_error(std::string{"webrtc ingest: missing element "} + factory);
  return e;
}

// Decoded video or audio from one of the browser's tracks joins the compositor or the mixer.
void on_decoded_pad(GstElement* decodebin, GstPad* pad, gpointer data) {
  auto* st = static_cast<state*>(data);
  gst::caps_ptr caps{gst_pad_get_current_caps(pad)};
  if (!caps)
    caps.reset(gst_pad_query_caps(pad, nullptr));
  const char* name = gst_structure_get_name(gst_caps_get_structure(caps.get(), 0));
  const bool video = g_str_has_prefix(name, "video/");
  auto* queue = make("queue");
  g_object_set(queue, "max-size-buffers", 8u, "max-size-bytes", 0u, "max-size-time", guint64{0},
               "leaky", 2, nullptr);
  GstElement* target = nullptr;
  GstPad* target_pad = nullptr;
  if (video) {
    auto slot = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(decodebin), "aethex-slot")) - 1;
    auto where = place(st->layout, st->video_count, slot, st->options.width, st->options.height);
    if (!where)
      return;
    auto* convert = make("videoconvert");
    auto* scale = make("videoscale");
    auto* filter = make("capsfilter");
    gst::caps_ptr size{gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, where->width,
                                           "height", G_TYPE_INT, where->height,
                                           "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr)};
    g_object_set(filter, "caps", size.get(), nullptr);
    add_and_sync(st->pipeline, {queue, convert, scale, filter});
    gst_element_link_many(queue, convert, scale, filter, nullptr);
    target = filter;
    auto* comp = gst_bin_get_by_name(GST_BIN(st->pipeline), "comp");
    target_pad = gst_element_request_pad_simple(comp, "sink_%u");
    g_object_set(target_pad, "xpos", where->x, "ypos", where->y, "zorder", guint(where->zorder),
                 nullptr);
    gst_object_unref(comp);
  } else if (g_str_has_prefix(name, "audio/")) {
    auto* convert = make("audioconvert");
    auto* resample = make("audioresample");
    add_and_sync(st->pipeline, {queue, convert, resample});
    gst_element_link_many(queue, convert, resample, nullptr);
    target = resample;
    auto* mixer = gst_bin_get_by_name(GST_BIN(st->pipeline), "amix");
    target_pad = gst_element_request_pad_simple(mixer, "sink_%u");
    gst_object_unref(mixer);
  } else {
    gst_object_unref(queue);
    return;
  }
  gst::object_ptr<GstPad> out{gst_element_get_static_pad(target, "src")};
  gst_pad_link(out.get(), target_pad);
  gst_object_unref(target_pad);
  gst::object_ptr<GstPad> in{gst_element_get_static_pad(queue, "sink")};
  gst_pad_link(pad, in.get());
}

GstPadProbeReturn on_rtp(GstPad*, GstPadProbeInfo*, gpointer data) {
  static_cast<state*>(data)->last_rtp_ms = now_ms();
  return GST_PAD_PROBE_OK;
}

// A track of the browser's arrives (after ICE and DTLS): decode it, or drop it when the layout
// does not show it.
void on_rtc_pad(GstElement*, GstPad* pad, gpointer data) {
  auto* st = static_cast<state*>(data);
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
    return;
  gst_pad_add_probe(pad,
                    GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    on_rtp, st, nullptr);
  guint mline = G_MAXUINT;
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  g_object_get(pad, "transceiver", &transceiver, nullptr);
  if (transceiver) {
    g_object_get(transceiver, "mlineindex", &mline, nullptr);
    gst_object_unref(transceiver);
  }
  const bool video = mline < st->kinds.size() && st->kinds[mline] == "video";
  const int ordinal = video ? st->video_ordinal(mline) : 0;
  const bool shown = !video || place(st->layout, st->video_count, ordinal, st->options.width,
                                     st->options.height);
  GstElement* next = nullptr;
  if (shown && mline < st->kinds.size()) {
    next = make("decodebin");
    g_object_set_data(G_OBJECT(next), "aethex-slot", GINT_TO_POINTER(ordinal + 1));
    g_signal_connect(next, "pad-added", G_CALLBACK(on_decoded_pad), st);
  } else {
    next = make("fakesink");
    g_object_set(next, "sync", FALSE, "async", FALSE, nullptr);
  }
  add_and_sync(st->pipeline, {next});
  gst::object_ptr<GstPad> in{gst_element_get_static_pad(next, "sink")};
  gst_pad_link(pad, in.get());
}

// The answer goes out once it is set locally and every candidate is gathered (no trickle).
void maybe_answer(state* st) {
  GstWebRTCICEGatheringState gathering = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(st->rtc, "ice-gathering-state", &gathering, nullptr);
  std::vector<std::string> candidates;
  {
    std::lock_guard lock{st->mu};
    if (!st->local_set || gathering != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
      return;
    candidates = st->candidates;
  }
  GstWebRTCSessionDescription* local = nullptr;
  g_object_get(st->rtc, "local-description", &local, nullptr);
  if (!local)
    return st->answer({}, "no local description");
  gchar* text = gst_sdp_message_as_text(local->sdp);
  std::string sdp{text};
  g_free(text);
  gst_webrtc_session_description_free(local);
  // With max-bundle every candidate belongs to the first m-section.
  if (sdp.find("a=candidate:") == std::string::npos && !candidates.empty()) {
    auto second = sdp.find("\r\nm=", sdp.find("\r\nm=") + 1);
    std::string lines;
    for (auto& c : candidates)
      lines += "\r\na=" + c;
    lines += "\r\na=end-of-candidates";
    sdp.insert(second == std::string::npos ? sdp.size() - 2 : second, lines);
  }
  st->answer(std::move(sdp), {});
}

void on_gathering(GstElement*, GParamSpec*, gpointer data) {
  maybe_answer(static_cast<state*>(data));
}

void on_candidate(GstElement*, guint, gchar* candidate, gpointer data) {
  auto* st = static_cast<state*>(data);
  std::lock_guard lock{st->mu};
  if (st->candidates.size() < 64 && candidate)
    st->candidates.emplace_back(candidate);
}

void on_ice_state(GstElement* rtc, GParamSpec*, gpointer data) {
  GstWebRTCICEConnectionState ice = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  g_object_get(rtc, "ice-connection-state", &ice, nullptr);
  if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    static_cast<state*>(data)->end("ICE failed");
}

// Promise callbacks hold a reference to the state (freed with the promise).
gpointer hold(const std::shared_ptr<state>& st) { return new std::shared_ptr<state>(st); }
void release(gpointer p) { delete static_cast<std::shared_ptr<state>*>(p); }
state* of(gpointer p) { return static_cast<std::shared_ptr<state>*>(p)->get(); }

std::string promise_error(GstPromise* promise) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED)
    return "interrupted";
  const GstStructure* reply = gst_promise_get_reply(promise);
  if (reply && gst_structure_has_field(reply, "error")) {
    GError* error = nullptr;
    gst_structure_get(reply, "error", G_TYPE_ERROR, &error, nullptr);
    std::string text = error && error->message ? error->message : "failed";
    if (error)
      g_error_free(error);
    return text;
  }
  return {};
}

void on_local_set(GstPromise* promise, gpointer data) {
  auto* st = of(data);
  if (auto error = promise_error(promise); !error.empty()) {
    gst_promise_unref(promise);
    return st->end("cannot apply the answer: " + error);
  }
  gst_promise_unref(promise);
  {
    std::lock_guard lock{st->mu};
    st->local_set = true;
  }
  maybe_answer(st);
}

void on_answer_created(GstPromise* promise, gpointer data) {
  auto* st = of(data);
  auto error = promise_error(promise);
  GstWebRTCSessionDescription* answer = nullptr;
  if (error.empty())
    gst_structure_get(gst_promise_get_reply(promise), "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                      &answer, nullptr);
  gst_promise_unref(promise);
  if (!answer)
    return st->end("cannot answer the offer" + (error.empty() ? "" : ": " + error));
  auto* next = gst_promise_new_with_change_func(on_local_set,
                                                hold(*static_cast<std::shared_ptr<state>*>(data)),
                                                release);
  g_signal_emit_by_name(st->rtc, "set-local-description", answer, next);
  gst_webrtc_session_description_free(answer);
}

void on_remote_set(GstPromise* promise, gpointer data) {
  auto* st = of(data);
  auto error = promise_error(promise);
  gst_promise_unref(promise);
  if (!error.empty())
    return st->end("the offer was refused: " + error);
  auto* next = gst_promise_new_with_change_func(on_answer_created,
                                                hold(*static_cast<std::shared_ptr<state>*>(data)),
                                                release);
  g_signal_emit_by_name(st->rtc, "create-answer", nullptr, next);
}

void recalculate_latency(GstElement* pipeline, gpointer) {
  gst_bin_recalculate_latency(GST_BIN(pipeline));
}

GstBusSyncReply on_bus(GstBus*, GstMessage* message, gpointer data) {
  auto* st = static_cast<state*>(data);
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* error = nullptr;
    gst_message_parse_error(message, &error, nullptr);
    std::string text = error && error->message ? error->message : "pipeline error";
    if (error)
      g_error_free(error);
    st->end("webrtc pipeline: " + text);
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_LATENCY) {
    // A track joined with its jitterbuffer's latency: the aggregators must wait for it.
    gst_element_call_async(st->pipeline, recalculate_latency, nullptr, nullptr);
  }
  return GST_BUS_DROP;
}

GstFlowReturn on_sample(GstAppSink* sink, gpointer data) {
  gst::sample_ptr sample{gst_app_sink_pull_sample(sink)};
  if (!sample)
    return GST_FLOW_EOS;
  gst::mapped_buffer mapped{gst_sample_get_buffer(sample.get())};
  static_cast<state*>(data)->media(mapped.bytes());
  return GST_FLOW_OK;
}

// The media session decides its tracks when an announced one has been silent for a second of
// the others' media (media/live_remuxer.hpp). Silence flows at once but x264's first frame can
// take longer on a busy machine, so the audio gate opens at the first encoded video frame:
// otherwise the stream could start, and stay, audio only.
GstPadProbeReturn open_audio_gate(GstPad*, GstPadProbeInfo*, gpointer gate) {
  g_object_set(G_OBJECT(gate), "drop", FALSE, nullptr);
  return GST_PAD_PROBE_REMOVE;
}

std::string pipeline_description(const webrtc_ingest_options& o) {
  auto n = [](auto v) { return std::to_string(v); };
  const auto video_caps = "video/x-raw,width=" + n(o.width) + ",height=" + n(o.height) +
                          ",framerate=" + n(o.fps) + "/1";
  // The aggregators wait for tracks that join later with their jitterbuffer's latency.
  const auto upstream = n(std::uint64_t{o.jitter_ms + 200} * 1'000'000);
  return "webrtcbin name=rtc bundle-policy=max-bundle latency=" + n(o.jitter_ms) +
         " videotestsrc is-live=true pattern=black ! " + video_caps +
         " ! compositor name=comp background=black min-upstream-latency=" + upstream +
         " ! videoconvert ! " + video_caps +
         ",format=I420 ! queue max-size-buffers=4 max-size-bytes=0 max-size-time=0 leaky=downstream"
         " ! x264enc tune=zerolatency speed-preset=veryfast bitrate=" +
         n(o.video_kbps) + " key-int-max=" + n(o.fps) +
         " ! h264parse name=vparse ! queue ! mux. "
         "audiotestsrc is-live=true wave=silence ! audio/x-raw,rate=48000,channels=2 "
         "! audiomixer name=amix min-upstream-latency=" +
         upstream +
         " ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! avenc_aac "
         "bitrate=" +
         n(o.audio_kbps * 1000) +
         " ! aacparse ! valve name=agate drop=true ! queue ! mux. "
         "flvmux name=mux streamable=true ! appsink name=out sync=false max-buffers=64";
}

}  // namespace

std::string webrtc_offer_error(std::string_view sdp) {
  if (sdp.substr(0, 4) != "v=0\n" && sdp.substr(0, 5) != "v=0\r\n")
    return "the offer is not an SDP session description";
  auto kinds = media_kinds(sdp, nullptr);
  if (!kinds)
    return "the offer does not parse as SDP";
  int audio = 0, video = 0;
  for (auto& kind : *kinds) {
    audio += kind == "audio";
    video += kind == "video";
  }
  if (audio + video == 0)
    return "the offer has no audio or video";
  if (audio > 1 || video > 2)
    return "at most one audio and two video tracks";
  return {};
}

const char* webrtc_ingest::missing_element() { return gst::missing_element(needed); }

webrtc_ingest::webrtc_ingest(std::string_view offer, webrtc_layout layout,
                             webrtc_ingest_callbacks callbacks, webrtc_ingest_options options)
    : state_(std::make_shared<state>()) {
  if (auto error = webrtc_offer_error(offer); !error.empty())
    throw std::invalid_argument(error);
  auto& st = *state_;
  st.callbacks = std::move(callbacks);
  st.options = options;
  st.layout = layout;
  sdp_ptr message;
  st.kinds = *media_kinds(offer, &message);
  for (auto& kind : st.kinds)
    st.video_count += kind == "video";

  auto description = pipeline_description(options);
  auto pipeline = gst::launch(description.c_str(), "cannot build the WebRTC pipeline");
  st.pipeline = pipeline.get();
  st.rtc = gst_bin_get_by_name(GST_BIN(st.pipeline), "rtc");
  gst_object_unref(st.rtc);  // the pipeline keeps it
  auto* sink = gst_bin_get_by_name(GST_BIN(st.pipeline), "out");
  GstAppSinkCallbacks sink_callbacks{};
  sink_callbacks.new_sample = on_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(sink), &sink_callbacks, &st, nullptr);
  gst_object_unref(sink);
  {
    gst::object_ptr<GstElement> video_parser{gst_bin_get_by_name(GST_BIN(st.pipeline), "vparse")};
    gst::object_ptr<GstPad> video_out{gst_element_get_static_pad(video_parser.get(), "src")};
    // The pipeline owns the gate for as long as the probe can run.
    auto* gate = gst_bin_get_by_name(GST_BIN(st.pipeline), "agate");
    gst_pad_add_probe(video_out.get(), GST_PAD_PROBE_TYPE_BUFFER, open_audio_gate, gate,
                      gst_object_unref);
  }
  gst::object_ptr<GstBus> bus{gst_element_get_bus(st.pipeline)};
  gst_bus_set_sync_handler(bus.get(), on_bus, &st, nullptr);
  g_signal_connect(st.rtc, "pad-added", G_CALLBACK(on_rtc_pad), &st);
  g_signal_connect(st.rtc, "notify::ice-gathering-state", G_CALLBACK(on_gathering), &st);
  g_signal_connect(st.rtc, "notify::ice-connection-state", G_CALLBACK(on_ice_state), &st);
  g_signal_connect(st.rtc, "on-ice-candidate", G_CALLBACK(on_candidate), &st);
  if (gst_element_set_state(st.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("cannot start the WebRTC pipeline");
  st.pipeline = pipeline.release();  // the destructor stops and releases it

  auto* remote = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, message.release());
  auto* promise = gst_promise_new_with_change_func(on_remote_set, hold(state_), release);
  g_signal_emit_by_name(st.rtc, "set-remote-description", remote, promise);
  gst_webrtc_session_description_free(remote);
}

webrtc_ingest::~webrtc_ingest() {
  {
    std::lock_guard lock{state_->mu};
    state_->stopped = true;
  }
  gst::pipeline_ptr pipeline{state_->pipeline};  // set to NULL and released here
  gst::object_ptr<GstBus> bus{gst_element_get_bus(pipeline.get())};
  pipeline.reset();
  gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
}

std::chrono::milliseconds webrtc_ingest::idle() const {
  return std::chrono::milliseconds{now_ms() - state_->last_rtp_ms.load()};
}

}  // namespace aethex::media
