// iCalendar (RFC 5545) feeds: the tournaments', the courses' and the org schedules' .ics answers
// share this writer, so text escaping and line folding are right in one place.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace aethex::actors {

struct ical_event {
  std::string uid;  // stable across answers, so calendar apps update instead of duplicating
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string summary;
  std::string description = {};  // optional
  std::string url = {};          // optional
  std::string location = {};     // optional
  std::int64_t stamp_ms = 0;     // DTSTAMP; 0: the calendar's now_ms
};

struct ical_calendar_info {
  std::string_view product;   // PRODID's product part, e.g. "Tournaments"
  std::string_view name;      // X-WR-CALNAME
  std::string_view timezone;  // X-WR-TIMEZONE, a display hint (times are UTC); empty: none
};

/// A VCALENDAR (METHOD:PUBLISH) with one VEVENT per event in UTC times: CRLF lines, TEXT values
/// escaped, lines over 75 octets folded, never inside a UTF-8 sequence.
std::string ical_calendar(const ical_calendar_info& info, std::span<const ical_event> events,
                          std::int64_t now_ms);

/// ms since the epoch → "20261204T083000Z", iCalendar's UTC DATE-TIME.
std::string ical_utc(std::int64_t ms);

/// A TEXT value: backslash, semicolon and comma escaped, newlines as \n, CR dropped.
std::string ical_escape(std::string_view text);

}  // namespace aethex::actors
