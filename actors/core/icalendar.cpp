#include "actors/core/icalendar.hpp"

#include <chrono>
#include <cstdio>

namespace aethex::actors {
namespace {

// RFC 5545 3.1: a content line is at most 75 octets; longer ones continue on lines that begin
// with a space (which counts). A break never splits a UTF-8 sequence.
void add_line(std::string& out, std::string_view line) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    bool starts_character = (c & 0xC0) != 0x80;
    std::size_t octets = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (starts_character && width + octets > 75) {
      out += "\r\n ";
      width = 1;
    }
    out += line[i];
    ++width;
  }
  out += "\r\n";
}

}  // namespace

std::string ical_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c != '\r')
      out += c;
  }
  return out;
}

std::string ical_utc(std::int64_t ms) {
  using namespace std::chrono;
  auto at = sys_time<milliseconds>{milliseconds{ms}};
  auto day = floor<days>(at);
  year_month_day ymd{day};
  hh_mm_ss time{floor<seconds>(at - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

std::string ical_calendar(const ical_calendar_info& info, std::span<const ical_event> events,
                          std::int64_t now_ms) {
  std::string out;
  add_line(out, "BEGIN:VCALENDAR");
  add_line(out, "VERSION:2.0");
  add_line(out, "PRODID:-//AeThex LIVE//" + std::string{info.product} + "//EN");
  add_line(out, "CALSCALE:GREGORIAN");
  add_line(out, "METHOD:PUBLISH");
  add_line(out, "X-WR-CALNAME:" + ical_escape(info.name));
  if (!info.timezone.empty())
    add_line(out, "X-WR-TIMEZONE:" + ical_escape(info.timezone));
  for (const auto& e : events) {
    add_line(out, "BEGIN:VEVENT");
    add_line(out, "UID:" + ical_escape(e.uid));
    add_line(out, "DTSTAMP:" + ical_utc(e.stamp_ms != 0 ? e.stamp_ms : now_ms));
    add_line(out, "DTSTART:" + ical_utc(e.start_ms));
    add_line(out, "DTEND:" + ical_utc(e.end_ms));
    add_line(out, "SUMMARY:" + ical_escape(e.summary));
    if (!e.description.empty())
      add_line(out, "DESCRIPTION:" + ical_escape(e.description));
    if (!e.url.empty())
      add_line(out, "URL:" + e.url);
    if (!e.location.empty())
      add_line(out, "LOCATION:" + ical_escape(e.location));
    add_line(out, "END:VEVENT");
  }
  add_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace aethex::actors
