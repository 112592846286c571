#include "net/app/whip_peers.hpp"

#include "media/webrtc_ingest.hpp"

namespace aethex::app {
namespace {

class webrtc_peer final : public net::whip::peer {
 public:
  webrtc_peer(std::string_view offer, media::webrtc_layout layout,
              media::webrtc_ingest_callbacks callbacks)
      : rtc_(offer, layout, std::move(callbacks)) {}
  std::chrono::milliseconds idle() const override { return rtc_.idle(); }

 private:
  media::webrtc_ingest rtc_;
};

media::webrtc_layout layout_of(const std::string& name) {
  if (name == "camera")
    return media::webrtc_layout::camera;
  if (name == "screen+camera")
    return media::webrtc_layout::screen_camera;
  if (name == "side-by-side")
    return media::webrtc_layout::side_by_side;
  return media::webrtc_layout::screen;
}

}  // namespace

net::whip::peer_factory make_whip_peers(std::string& missing) {
  if (const char* name = media::webrtc_ingest::missing_element()) {
    missing = name;
    return {};
  }
  net::whip::peer_factory factory;
  factory.offer_error = [](std::string_view offer) { return media::webrtc_offer_error(offer); };
  factory.start = [](std::string_view offer, const std::string& layout,
                     net::whip::peer_callbacks callbacks) -> std::unique_ptr<net::whip::peer> {
    media::webrtc_ingest_callbacks to_media{std::move(callbacks.answered),
                                            std::move(callbacks.media), std::move(callbacks.ended)};
    return std::make_unique<webrtc_peer>(offer, layout_of(layout), std::move(to_media));
  };
  return factory;
}

}  // namespace aethex::app
