#include <doctest/doctest.h>

#include "net/whip/request.hpp"

using namespace aethex::net::whip;

TEST_CASE("WHIP paths name a channel's endpoint or one of its sessions") {
  auto endpoint = parse_target("/whip/gina");
  REQUIRE(endpoint);
  CHECK(endpoint->channel == "gina");
  CHECK(endpoint->session.empty());
  auto session = parse_target("/whip/gina/0a1b2c");
  REQUIRE(session);
  CHECK(session->session == "0a1b2c");
  for (auto bad : {"/whip/", "/whip//x", "/whip/gina/", "/whip/gi na", "/whip/a/b/c",
                   "/whip/../etc", "/whep/gina", "/whip/gina%2F"})
    CHECK_MESSAGE(!parse_target(bad), bad);
  CHECK(!parse_target("/whip/" + std::string(65, 'a')));
}

TEST_CASE("the bearer token and the channel it belongs to") {
  CHECK(bearer_token("Bearer live_gina_00ff") == "live_gina_00ff");
  CHECK(bearer_token("bearer   live_gina_00ff ") == "live_gina_00ff");
  CHECK(bearer_token("Basic Zm9vOmJhcg==").empty());
  CHECK(bearer_token("Bearer").empty());
  CHECK(bearer_token("Bearer a b").empty());
  CHECK(bearer_token("").empty());
  CHECK(channel_of_key("live_gina_00ff") == "gina");
  CHECK(channel_of_key("live_my_chan_00ff") == "my_chan");
  CHECK(channel_of_key("live__00ff").empty());
  CHECK(channel_of_key("gina_00ff").empty());
  CHECK(channel_of_key("live_gina").empty());
}

TEST_CASE("layouts from the query, screen by default") {
  CHECK(parse_layout("") == "screen");
  CHECK(parse_layout("layout=camera") == "camera");
  CHECK(parse_layout("x=1&layout=side-by-side") == "side-by-side");
  CHECK(parse_layout("layout=screen%2Bcamera") == "screen+camera");
  CHECK(parse_layout("layout=screen+camera") == "screen+camera");
  CHECK(!parse_layout("layout=pip"));
  CHECK(!parse_layout("layout="));
}

TEST_CASE("content types and the shape of an offer") {
  CHECK(is_sdp("application/sdp"));
  CHECK(is_sdp("Application/SDP; charset=utf-8"));
  CHECK(!is_sdp("application/json"));
  CHECK(!is_sdp(""));
  CHECK(offer_shape_error("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
          .empty());
  CHECK(!offer_shape_error("").empty());
  CHECK(!offer_shape_error("{\"sdp\":1}").empty());
  CHECK(!offer_shape_error("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=application 9 x\r\n").empty());
  CHECK(!offer_shape_error(std::string("v=0\r\n\0m=audio 9 x\r\n", 19)).empty());
}
