#include "net/srt/streamid.hpp"

#include <doctest/doctest.h>

#include <srt/access_control.h>

#include <string>
#include <vector>

using namespace aethex::net::srt;

namespace {
const std::string key = "live_alice_0123456789abcdef0123456789abcdef";

void check_refused(std::string_view sid, streamid_error expected) {
  INFO("streamid: ", std::string{sid});
  const auto r = parse_streamid(sid);
  CHECK_FALSE(r);
  CHECK(r.error == expected);
  CHECK(r.key.empty());
  CHECK_FALSE(r.reason.empty());
  CHECK(r.reason.find(key) == std::string::npos);
  CHECK(r.reason.find("live_alice") == std::string::npos);
}
}  // namespace

TEST_CASE("plain streamid is the key") {
  const auto r = parse_streamid(key);
  REQUIRE(r);
  CHECK(r.key == key);
  CHECK(r.reason.empty());
}

TEST_CASE("access-control form: r=live/KEY or r=KEY with m=publish, fields in any order") {
  for (const auto& sid : std::vector<std::string>{
         "#!::r=live/" + key + ",m=publish", "#!::m=publish,r=live/" + key,
         "#!::r=" + key + ",m=publish", "#!::u=alice,r=" + key + ",m=publish,t=stream",
         "#!::h=example.org,m=publish,s=abc123,r=live/" + key,
         "#!::m=publish,x-custom=1,r=" + key}) {
    INFO("streamid: ", sid);
    const auto r = parse_streamid(sid);
    REQUIRE(r);
    CHECK(r.key == key);
  }
}

TEST_CASE("playback and other modes are refused with a clear reason") {
  check_refused("#!::r=live/" + key + ",m=request", streamid_error::unsupported_mode);
  check_refused("#!::r=live/" + key, streamid_error::unsupported_mode);  // request is the default
  check_refused("#!::r=live/" + key + ",m=bidirectional", streamid_error::unsupported_mode);
  CHECK(parse_streamid("#!::r=live/" + key + ",m=request").reason.find("m=request") !=
        std::string::npos);
  check_refused("#!::r=live/" + key + ",m=publish,t=file", streamid_error::unsupported_type);
  check_refused("#!::r=other/" + key + ",m=publish", streamid_error::unknown_app);
}

TEST_CASE("malformed streamids are refused without echoing them") {
  for (const auto& sid : std::vector<std::string>{
         std::string{},                            // nothing
         std::string{"#!::"},                      // empty field list
         "#!::m=publish",                          // no resource
         "#!::r=,m=publish",                       // empty value
         "#!::=x,r=" + key + ",m=publish",         // empty name
         "#!::r" + key + ",m=publish",             // no '='
         "#!::r=" + key + ",m=publish,",           // trailing comma
         "#!::r=" + key + ",,m=publish",           // empty field
         "#!::r=" + key + ",m=publish,r=" + key,   // duplicate r
         "#!::r=" + key + ",m=publish,m=publish",  // duplicate m
         "#!::r=" + key + ",m=upload",             // unknown mode
         "#!::r=live/,m=publish",                  // empty key
         "#!::r=live/a/" + key + ",m=publish",     // nested path
         "#!::r=live/" + key + " ,m=publish",      // space in key
         "live/" + key,                            // plain form has no application
         key + "\n",                               // control character
         key + "&latency=200",                     // URL residue
         "#!:r=" + key,                            // not the access-control prefix
         std::string(129, 'a'),                    // key too long
         std::string(600, 'a'),                    // streamid longer than SRT allows
         std::string{"k\0ey", 4},                  // embedded NUL
       }) {
    INFO("streamid: ", sid);
    const auto r = parse_streamid(sid);
    CHECK_FALSE(r);
    CHECK(r.key.empty());
    CHECK_FALSE(r.reason.empty());
    CHECK(r.reason.find(key) == std::string::npos);
  }
  check_refused("#!::r=live/" + key + "/x,m=publish", streamid_error::malformed);
}

TEST_CASE("longest accepted key") {
  CHECK(parse_streamid(std::string(max_key_length, 'k')));
  CHECK_FALSE(parse_streamid(std::string(max_key_length + 1, 'k')));
}

TEST_CASE("rejection codes follow the SRT access-control registry") {
  CHECK(reject_code(streamid_error::malformed) == SRT_REJX_BAD_REQUEST);
  CHECK(reject_code(streamid_error::unsupported_mode) == SRT_REJX_BAD_MODE);
  CHECK(reject_code(streamid_error::unsupported_type) == SRT_REJX_NOTSUP_MEDIA);
  CHECK(reject_code(streamid_error::unknown_app) == SRT_REJX_NOTFOUND);
}
