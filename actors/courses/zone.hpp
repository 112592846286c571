// IANA time zones for course schedules, read from the system's tz database
// (/usr/share/zoneinfo, Debian's tzdata). GCC 12's libstdc++ has no std::chrono::tzdb, and no
// maintained C++ tz library is packaged in Debian 12, so the TZif file of the zone is read
// directly (RFC 8536, the 64-bit version 2+ block). Debian builds its zone files "fat" (every
// transition up to 2037 listed); past the last transition the last offset holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::actors {

class time_zone {
 public:
  /// The zone `name` ("Europe/Berlin", "UTC"), or nullopt when the name is not a zone of the
  /// tz database (malformed, unknown, or not a TZif file).
  static std::optional<time_zone> load(std::string_view name,
                                       std::string_view root = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }
  /// Offset from UTC in seconds at instant `utc_ms`.
  std::int32_t offset_s(std::int64_t utc_ms) const;
  /// The UTC instant whose local wall time is `local_ms` (milliseconds of the local calendar
  /// counted like Unix time); in a gap or an overlap the earlier offset's reading wins.
  std::int64_t utc_of_local(std::int64_t local_ms) const;

 private:
  std::string name_;
  std::vector<std::int64_t> at_s_;      // transition instants, ascending
  std::vector<std::int32_t> offset_s_;  // offset in force from at_s_[i]
  std::int32_t initial_s_ = 0;          // before the first transition
};

/// Whether `name` looks like a zone name (letters, digits, '_', '-', '+', '/'; no "..").
bool plausible_zone_name(std::string_view name);

/// "2026-12-05T18:00:00+01:00": the local wall time of `utc_ms` with its offset.
std::string local_time_text(std::int64_t utc_ms, std::int32_t offset_s);
/// Reads "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (no offset) as local milliseconds.
std::optional<std::int64_t> parse_local_time(std::string_view text);

}  // namespace aethex::actors
