#include "net/srt/streamid.hpp"

#include <srt/access_control.h>

#include <algorithm>
#include <optional>

namespace aethex::net::srt {

namespace {

constexpr std::string_view access_control_prefix = "#!::";

streamid_result fail(streamid_error error, std::string reason) {
  return {{}, error, std::move(reason)};
}

// Stream keys are tokens like `live_alice_<hex>`; anything else cannot be a key, so it is refused
// before the handler is asked (and before a separator could smuggle in another field).
bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= max_key_length &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == '~';
         });
}

streamid_result from_key(std::string_view key) {
  if (!valid_key(key))
    return fail(streamid_error::malformed, "malformed stream id: invalid stream key");
  return {std::string{key}, streamid_error::none, {}};
}

// `r=` is `live/KEY` or `KEY`.
streamid_result from_resource(std::string_view resource) {
  const auto slash = resource.find('/');
  if (slash == std::string_view::npos)
    return from_key(resource);
  if (resource.substr(0, slash) != "live")
    return fail(streamid_error::unknown_app, "unknown application (only r=live/KEY or r=KEY)");
  return from_key(resource.substr(slash + 1));
}

streamid_result parse_access_control(std::string_view body) {
  std::optional<std::string_view> resource, mode, type;
  while (true) {
    const auto comma = body.find(',');
    const auto item = body.substr(0, comma);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      return fail(streamid_error::malformed, "malformed stream id: expected key=value pairs");
    const auto name = item.substr(0, eq);
    const auto value = item.substr(eq + 1);
    std::optional<std::string_view>* slot = name == "r"   ? &resource
                                            : name == "m" ? &mode
                                            : name == "t" ? &type
                                                          : nullptr;
    // u (user), h (host), s (session) and application-defined keys carry nothing we use.
    if (slot) {
      if (*slot)
        return fail(streamid_error::malformed,
                    "malformed stream id: duplicate '" + std::string{name} + "' field");
      *slot = value;
    }
    if (comma == std::string_view::npos)
      break;
    body.remove_prefix(comma + 1);
  }
  if (type && *type != "stream")
    return fail(streamid_error::unsupported_type, "unsupported type (only t=stream)");
  // The access-control spec makes `request` (playback) the default mode.
  const auto m = mode.value_or("request");
  if (m == "request")
    return fail(streamid_error::unsupported_mode,
                "playback over SRT is not supported (m=request); publish with m=publish");
  if (m == "bidirectional")
    return fail(streamid_error::unsupported_mode, "unsupported mode (m=bidirectional)");
  if (m != "publish")
    return fail(streamid_error::malformed, "malformed stream id: unknown mode");
  if (!resource)
    return fail(streamid_error::malformed, "malformed stream id: missing r=live/KEY");
  return from_resource(*resource);
}

}  // namespace

streamid_result parse_streamid(std::string_view streamid) {
  if (streamid.empty())
    return fail(streamid_error::malformed, "missing stream id (expected the stream key)");
  if (streamid.size() > max_streamid_length)
    return fail(streamid_error::malformed, "malformed stream id: too long");
  if (streamid.starts_with(access_control_prefix))
    return parse_access_control(streamid.substr(access_control_prefix.size()));
  return from_key(streamid);
}

int reject_code(streamid_error error) {
  switch (error) {
    case streamid_error::none: return 0;
    case streamid_error::malformed: return SRT_REJX_BAD_REQUEST;
    case streamid_error::unsupported_mode: return SRT_REJX_BAD_MODE;
    case streamid_error::unsupported_type: return SRT_REJX_NOTSUP_MEDIA;
    case streamid_error::unknown_app: return SRT_REJX_NOTFOUND;
  }
  return SRT_REJX_BAD_REQUEST;
}

}  // namespace aethex::net::srt
