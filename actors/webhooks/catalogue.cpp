// The public catalogue (catalogue.hpp): each mapping reads the stored payload the way the owning
// domain writes it (actors/<domain>/*events*.hpp or the entity's ev:: structs) and keeps the
// fields a receiver needs. Field names are the catalogue's, not the domain's.
#include "actors/webhooks/catalogue.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace aethex::actors::webhooks {
namespace {

using json = nlohmann::json;

const std::vector<catalogue_entry> entries = {
  {"stream.online", "The channel went live."},
  {"stream.offline", "The channel's live session ended."},
  {"channel.update", "The channel's title, category, description or tags changed."},
  {"channel.follow", "Someone followed the channel."},
  {"chat.message", "A chat message was shown in the channel's room."},
  {"chat.message_delete", "A moderator deleted a chat message."},
  {"channel.ban", "A moderator banned someone from the channel's chat."},
  {"channel.unban", "A ban in the channel's chat was lifted."},
  {"channel.raid", "A raid arrived at the channel, or the channel raided another one."},
  {"poll.begin", "A poll started."},
  {"poll.end", "A poll ended (by time or by a manager)."},
  {"prediction.begin", "A prediction opened."},
  {"prediction.lock", "A prediction stopped taking stakes."},
  {"prediction.end", "A prediction was resolved or canceled."},
  {"hype_train.begin", "A hype train started."},
  {"hype_train.progress", "Someone added to a running hype train (level, progress, goal, top)."},
  {"hype_train.end", "A hype train ended (its timer ran out)."},
  {"channel.points_redemption", "A viewer redeemed a custom channel-point reward."},
  {"channel.subscribe", "Someone subscribed, renewed, upgraded or received a gift sub."},
  {"channel.donation", "Someone tipped the channel."},
  {"clip.created", "A clip of the channel was created."},
  {"vod.ready", "A recording of a live session finished and can be watched."},
  {"music.now_playing", "A track started playing on the channel (DJ mode, docs/music.md)."},
};

/// Where a stored event comes from: "kind/id" → kind and id.
std::pair<std::string_view, std::string_view> split_stream(std::string_view stream) {
  auto slash = stream.find('/');
  if (slash == std::string_view::npos)
    return {stream, {}};
  return {stream.substr(0, slash), stream.substr(slash + 1)};
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}
std::int64_t num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}
json strings(const json& j, const char* key) {
  json out = json::array();
  if (auto it = j.find(key); it != j.end() && it->is_array())
    for (auto& v : *it)
      if (v.is_string())
        out.push_back(v);
  return out;
}

// One mapping: the payload, the stream's id and the caller's channel hint → (type, channel,
// data), or nullopt when the event has no public form.
struct mapped {
  std::string type;
  std::string channel;
  json data;
};
using mapper = std::function<std::optional<mapped>(const json& body, std::string_view stream_id,
                                                   std::string_view hint)>;

// Events whose stream id is the channel: the mapping only shapes `data`.
mapper on_channel(std::string type, std::function<std::optional<json>(const json&)> shape) {
  return
    [type = std::move(type), shape = std::move(shape)](const json& body, std::string_view id,
                                                       std::string_view) -> std::optional<mapped> {
      auto data = shape(body);
      if (!data)
        return std::nullopt;
      return mapped{type, std::string{id}, std::move(*data)};
    };
}

std::optional<json> channel_update(const json& b) {
  json data = json::object();
  for (const char* key : {"title", "category", "description"})
    if (b.contains(key))
      data[key] = str(b, key);
  if (b.contains("tags"))
    data["tags"] = strings(b, "tags");
  // Recording and ladder settings are the owner's business, not the audience's.
  if (data.empty())
    return std::nullopt;
  return data;
}

std::optional<json> subscribe(const json& b) {
  bool anonymous = b.value("anonymous", false);
  json data = {{"user", str(b, "user")},
               {"tier", num(b, "tier")},
               {"kind", str(b, "kind")},
               {"is_gift", str(b, "kind") == "gift"}};
  if (auto by = str(b, "gifted_by"); !by.empty() && !anonymous)
    data["gifted_by"] = by;
  return data;
}

std::optional<json> donation(const json& b) {
  bool anonymous = b.value("anonymous", false);
  // A message the channel's AutoMod would hold is not passed on (the alert hides it too).
  bool shown = b.value("shown", true);
  return json{{"user", anonymous ? std::string{} : str(b, "payer")},
              {"anonymous", anonymous},
              {"amount", num(b, "amount")},
              {"currency", str(b, "currency")},
              {"message", shown ? str(b, "message") : std::string{}}};
}

const std::map<std::string, mapper, std::less<>>& mappers() {
  static const std::map<std::string, mapper, std::less<>> table = {
    {"channel.went_live", on_channel("stream.online",
                                     [](const json& b) -> std::optional<json> {
                                       return json{{"session", str(b, "session")}};
                                     })},
    {"channel.went_offline", on_channel("stream.offline",
                                        [](const json& b) -> std::optional<json> {
                                          json data = {{"session", str(b, "session")}};
                                          if (b.contains("peak_viewers"))
                                            data["peak_viewers"] = num(b, "peak_viewers");
                                          return data;
                                        })},
    {"channel.updated", on_channel("channel.update", channel_update)},
    // follows/<user>: the follower is the stream's id, the channel the payload's.
    {"follow.started",
     [](const json& b, std::string_view user, std::string_view) -> std::optional<mapped> {
       auto channel = str(b, "channel");
       if (channel.empty())
         return std::nullopt;
       return mapped{"channel.follow", channel, json{{"user", user}}};
     }},
    {"chat.message", on_channel("chat.message",
                                [](const json& b) -> std::optional<json> {
                                  return json{{"message_id", num(b, "id")},
                                              {"user", str(b, "user")},
                                              {"text", str(b, "text")},
                                              {"badges", strings(b, "badges")}};
                                })},
    {"chat.message_deleted",
     on_channel("chat.message_delete",
                [](const json& b) -> std::optional<json> {
                  return json{{"message_id", num(b, "id")}, {"by", str(b, "by")}};
                })},
    // A guest's ban also names their address ("origin"): never passed on.
    {"chat.user_banned",
     on_channel(
       "channel.ban",
       [](const json& b) -> std::optional<json> {
         return json{{"user", str(b, "user")}, {"by", str(b, "by")}, {"reason", str(b, "reason")}};
       })},
    {"chat.user_unbanned", on_channel("channel.unban",
                                      [](const json& b) -> std::optional<json> {
                                        return json{{"user", str(b, "user")}, {"by", str(b, "by")}};
                                      })},
    // raid/<channel>: an incoming raid on the target's stream, the raid it sent on the source's.
    {"raid.received",
     [](const json& b, std::string_view to, std::string_view) -> std::optional<mapped> {
       return mapped{"channel.raid", std::string{to},
                     json{{"from", str(b, "from")}, {"to", to}, {"viewers", num(b, "viewers")}}};
     }},
    {"raid.completed",
     [](const json& b, std::string_view from, std::string_view) -> std::optional<mapped> {
       return mapped{
         "channel.raid", std::string{from},
         json{{"from", from}, {"to", str(b, "target")}, {"viewers", num(b, "viewers")}}};
     }},
    {"poll.started", on_channel("poll.begin",
                                [](const json& b) -> std::optional<json> {
                                  return json{{"poll_id", num(b, "id")},
                                              {"title", str(b, "title")},
                                              {"choices", strings(b, "choices")},
                                              {"duration_s", num(b, "duration_s")},
                                              {"ends_at_ms", num(b, "ends_at_ms")}};
                                })},
    {"poll.ended", on_channel("poll.end",
                              [](const json& b) -> std::optional<json> {
                                return json{{"poll_id", num(b, "id")}, {"ended_by", str(b, "by")}};
                              })},
    {"prediction.created", on_channel("prediction.begin",
                                      [](const json& b) -> std::optional<json> {
                                        return json{{"prediction_id", str(b, "id")},
                                                    {"title", str(b, "title")},
                                                    {"outcomes", strings(b, "outcomes")},
                                                    {"window_s", num(b, "window_s")}};
                                      })},
    {"prediction.locked",
     on_channel("prediction.lock",
                [](const json&) -> std::optional<json> { return json::object(); })},
    {"prediction.resolved",
     on_channel("prediction.end",
                [](const json& b) -> std::optional<json> {
                  return json{{"status", "resolved"}, {"winning_outcome", num(b, "outcome")}};
                })},
    {"prediction.canceled", on_channel("prediction.end",
                                       [](const json&) -> std::optional<json> {
                                         return json{{"status", "canceled"}};
                                       })},
    // engagement/<channel>'s marker: the phase names the public type.
    {"hype_train.changed",
     [](const json& b, std::string_view channel, std::string_view) -> std::optional<mapped> {
       auto phase = str(b, "phase");
       if (phase != "begin" && phase != "progress" && phase != "end")
         return std::nullopt;
       auto train = b.value("train", json::object());
       return mapped{"hype_train." + phase, std::string{channel},
                     json{{"level", num(train, "level")},
                          {"progress", num(train, "progress")},
                          {"goal", num(train, "goal")},
                          {"ends_at_ms", num(train, "ends_at_ms")},
                          {"top", train.value("top", json::array())}}};
     }},
    {"reward.redeemed",
     on_channel("channel.points_redemption",
                [](const json& b) -> std::optional<json> {
                  return json{{"redemption_id", str(b, "id")}, {"reward_id", str(b, "reward")},
                              {"title", str(b, "title")},      {"cost", num(b, "cost")},
                              {"user", str(b, "user")},        {"input", str(b, "input")}};
                })},
    {"subscriptions.granted", on_channel("channel.subscribe", subscribe)},
    {"tips.received", on_channel("channel.donation", donation)},
    // clip/<id>: the channel is in the payload.
    {"clip.created",
     [](const json& b, std::string_view id, std::string_view) -> std::optional<mapped> {
       auto channel = str(b, "channel");
       if (channel.empty())
         return std::nullopt;
       return mapped{"clip.created", channel,
                     json{{"clip_id", id},
                          {"creator", str(b, "creator")},
                          {"title", str(b, "title")},
                          {"duration_s", b.value("duration_s", 0.0)},
                          {"live", b.value("live", false)}}};
     }},
    // vod/<id>: vod.finished does not repeat the channel vod.recorded named; the caller does.
    {"vod.finished",
     [](const json& b, std::string_view id, std::string_view hint) -> std::optional<mapped> {
       if (hint.empty())
         return std::nullopt;
       return mapped{"vod.ready", std::string{hint},
                     json{{"vod_id", id}, {"duration_ms", num(b, "duration_ms")}}};
     }},
    // music/<channel>: a play (by hand, from the console, stream metadata or Spotify).
    {"music.played", on_channel("music.now_playing",
                                [](const json& b) -> std::optional<json> {
                                  auto play = b.value("play", json::object());
                                  auto track = play.value("track", json::object());
                                  if (!track.is_object())
                                    return std::nullopt;
                                  return json{{"title", str(track, "title")},
                                              {"artist", str(track, "artist")},
                                              {"album", str(track, "album")},
                                              {"track_id", str(track, "id")},
                                              {"source", str(play, "source")},
                                              {"played_at_ms", num(play, "played_at_ms")}};
                                })},
  };
  return table;
}

// Streams each mapped type may come from: an event type another domain happens to reuse in a
// different kind of stream is not mistaken for it.
bool from_expected_stream(std::string_view type, std::string_view kind) {
  static const std::map<std::string_view, std::string_view, std::less<>> kinds = {
    {"channel.went_live", "channel"},
    {"channel.went_offline", "channel"},
    {"channel.updated", "channel"},
    {"follow.started", "follows"},
    {"chat.message", "chat"},
    {"chat.message_deleted", "chat"},
    {"chat.user_banned", "chat"},
    {"chat.user_unbanned", "chat"},
    {"raid.received", "raid"},
    {"raid.completed", "raid"},
    {"poll.started", "poll"},
    {"poll.ended", "poll"},
    {"prediction.created", "engagement"},
    {"prediction.locked", "engagement"},
    {"prediction.resolved", "engagement"},
    {"prediction.canceled", "engagement"},
    {"hype_train.changed", "engagement"},
    {"reward.redeemed", "engagement"},
    {"subscriptions.granted", "subscriptions"},
    {"tips.received", "tips"},
    {"clip.created", "clip"},
    {"vod.finished", "vod"},
    {"music.played", "music"},
  };
  auto it = kinds.find(type);
  return it != kinds.end() && it->second == kind;
}

}  // namespace

const std::vector<catalogue_entry>& catalogue() { return entries; }

bool known_type(std::string_view type) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const catalogue_entry& c) { return c.type == type; });
}

std::optional<public_event> to_public_event(const storage::recorded_event& e) {
  return to_public_event(e, {});
}

std::optional<public_event> to_public_event(const storage::recorded_event& e,
                                            std::string_view channel) {
  // Every mapped type is at schema 1; a newer one is refused rather than misread.
  if (e.data.schema != 1)
    return std::nullopt;
  auto [kind, id] = split_stream(e.stream);
  if (id.empty() || !from_expected_stream(e.data.type, kind))
    return std::nullopt;
  auto it = mappers().find(e.data.type);
  if (it == mappers().end())
    return std::nullopt;
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    return std::nullopt;
  auto m = it->second(body, id, channel);
  if (!m || m->channel.empty())
    return std::nullopt;
  return public_event{e.stream + ":" + std::to_string(e.seq), std::move(m->type),
                      std::move(m->channel), e.data.timestamp_ms, std::move(m->data)};
}

nlohmann::json to_json(const public_event& e) {
  return json{
    {"id", e.id}, {"type", e.type}, {"channel", e.channel}, {"at_ms", e.at_ms}, {"data", e.data}};
}

}  // namespace aethex::actors::webhooks
