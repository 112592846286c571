// Read model of every webinar (by channel, for the channel page) and every slide change (by
// channel and time, for a VOD's slide timeline and a recording's chapters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class webinars_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "webinars";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Slide changes one answer lists at most.
inline constexpr std::int64_t webinar_slides_listed_max = 2000;

/// "webinars.of_channel" ({"channel","from_ms"}): rows {"id","title","starts_at_ms",
/// "duration_min"} of the channel's webinars not deleted that end after from_ms, soonest first
/// (at most 50).
inline constexpr std::string_view webinars_of_channel_query = "webinars.of_channel";
nlohmann::json webinars_of_channel(storage::sqlite::database& db, const nlohmann::json& args,
                                   const owns_fn& owns);

/// "webinars.slides" ({"channel","from_ms","to_ms"} or {"webinar"}): rows {"webinar","at_ms",
/// "page"} oldest first — for a channel window, led by the change before from_ms (the page shown
/// when the window opened), when there is one.
inline constexpr std::string_view webinar_slides_query = "webinars.slides";
nlohmann::json webinar_slides_rows(storage::sqlite::database& db, const nlohmann::json& args,
                                   const owns_fn& owns);

}  // namespace aethex::actors
