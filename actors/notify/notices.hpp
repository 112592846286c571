// Read model of notifications: what each channel told its followers (go-live, and pinned chat
// announcements), and the followers' notification choices that differ from the default.
//
// Fan-out on read: a go-live is ONE row on the channel's member, not one row per follower. An
// inbox is assembled when it is read, from the user's follows (at most max_follows channels) and
// these rows, so a channel with 100k followers costs the same to announce as one with ten, and
// every inbox "has" the notification the moment its row is written. Pushing to followers who are
// online, and e-mail, are the dispatcher's work (dispatcher.hpp), started from `fresh`.
//
// Personal notices: any entity may emit `notify.personal` {"id","users":[…],"kind","title",
// "link"} (a tournament's match reminder); each user gets a row in personal_notices (id unique
// per user), read by the inbox beside the channels' notices, and online users get it pushed.
// The dispatcher also e-mails it to users who turned e-mail notifications on in their settings
// and wakes their subscribed devices by web push (a course's lesson reminders, docs/education.md).
// An optional "details" [[label, text], …] gives the e-mail's lines.
//
// Tables: notices(id, channel, kind, title, at_ms) — id is "<kind>:<channel>:<session or
// announcement id>", so a session or announcement notifies at most once whatever replays;
// notice_titles(channel, title) — the channel's current title, for the notice text;
// follow_prefs(user, channel, notify, email) — rows only for follows whose choices differ from
// notify on / e-mail off.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

/// One notification as every reader sees it (the inbox row, the WebSocket push, the e-mail).
struct notice {
  std::string id;  // "live:<channel>:<session>" or "announcement:<channel>:<id>"
  std::string kind;
  std::string channel;
  std::string title;
  std::int64_t at_ms = 0;
  /// A personal notice (`notify.personal`): where it leads, and whom it is for (pushed to them
  /// only; never shown in the frame or the inbox row).
  std::string link = {};
  std::vector<std::string> users = {};
  /// A personal notice's labelled lines for its e-mail ({"Course", "…"}, {"Starts", "…"}):
  /// handed on with a fresh notice, not stored (the inbox shows the title).
  std::vector<std::pair<std::string, std::string>> details = {};
};

/// Bounds of a personal notice's details (longer ones are cut, more are dropped).
inline constexpr std::size_t notice_details_max = 8;
inline constexpr std::size_t notice_detail_chars_max = 200;

/// An e-mail to send.
struct notice_mail {
  std::string subject;
  std::string text;
};

/// The e-mail of personal notice `n` to one of its users, or nullopt when that user does not
/// get one: only an account with an address whose settings (user_view::settings, JSON text)
/// have "email_notifications" on. `site` is the host the link points to (env.http_endpoint).
std::optional<notice_mail> personal_notice_mail(const notice& n, std::string_view email,
                                                std::string_view settings_json,
                                                std::string_view site);

nlohmann::json to_json(const notice& n);
notice notice_from_json(const nlohmann::json& j);

class notices_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "notices";
  /// Notices younger than this when applied are fresh: replays after a restart or a rebuild
  /// (older events) must not push or mail again.
  static constexpr std::int64_t fresh_window_ms = 5 * 60 * 1000;

  /// `fresh` hears of each new notice (from the runner's thread); `now_ms` is the clock it is
  /// judged fresh by.
  notices_projection(std::function<void(const notice&)> fresh,
                     std::function<std::int64_t()> now_ms);

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;

 private:
  void apply_channel(storage::sqlite::database& db, std::string_view channel,
                     const storage::recorded_event& e, const nlohmann::json& body);
  void apply_personal(storage::sqlite::database& db, const storage::recorded_event& e);
  void apply_follow(storage::sqlite::database& db, std::string_view user,
                    const storage::recorded_event& e, const nlohmann::json& body);
  /// Stores `n` once (by id) and hands it on when fresh.
  void add_notice(storage::sqlite::database& db, const notice& n);

  std::function<void(const notice&)> fresh_;
  std::function<std::int64_t()> now_ms_;
  bool acting_ = true;  // acts_on() of the event being applied
};

/// "notify.notices" {"channels": [{"channel", "since_ms"}], "limit"} → the newest notices of the
/// channels this member owns, each not older than its since_ms, newest first, at most limit.
nlohmann::json notices_query(storage::sqlite::database& db, const nlohmann::json& args,
                             const owns_fn& owns);

/// "notify.personal" {"user","limit"} → the user's personal notices (`notify.personal` events of
/// entities this member owns), newest first, at most limit.
nlohmann::json personal_notices_query(storage::sqlite::database& db, const nlohmann::json& args,
                                      const owns_fn& owns);

/// "notify.email_followers" {"channel"} → [{"user"}]: followers (owned here) who asked for
/// e-mail from the channel and did not turn its notifications off.
nlohmann::json email_followers_query(storage::sqlite::database& db, const nlohmann::json& args,
                                     const owns_fn& owns);

}  // namespace aethex::actors
