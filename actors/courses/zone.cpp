#include "actors/courses/zone.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace aethex::actors {
namespace {

std::uint32_t zone_be32(const std::string& d, std::size_t at) {
  return (std::uint32_t(std::uint8_t(d[at])) << 24) |
         (std::uint32_t(std::uint8_t(d[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(d[at + 2])) << 8) | std::uint32_t(std::uint8_t(d[at + 3]));
}

std::int64_t zone_be64(const std::string& d, std::size_t at) {
  return static_cast<std::int64_t>((std::uint64_t(zone_be32(d, at)) << 32) | zone_be32(d, at + 4));
}

struct zone_counts {
  std::size_t isut, isstd, leap, time, type, chars;
};

std::optional<zone_counts> zone_header(const std::string& d, std::size_t at) {
  if (d.size() < at + 44 || d.compare(at, 4, "TZif") != 0)
    return std::nullopt;
  return zone_counts{zone_be32(d, at + 20), zone_be32(d, at + 24), zone_be32(d, at + 28),
                     zone_be32(d, at + 32), zone_be32(d, at + 36), zone_be32(d, at + 40)};
}

}  // namespace

bool plausible_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/' ||
      name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+' || c == '/';
  });
}

std::optional<time_zone> time_zone::load(std::string_view name, std::string_view root) {
  if (!plausible_zone_name(name))
    return std::nullopt;
  std::ifstream in(std::string{root} + "/" + std::string{name}, std::ios::binary);
  if (!in)
    return std::nullopt;
  // A zone file is a few KiB; anything far larger is not one.
  std::string d;
  d.resize(256 * 1024);
  in.read(d.data(), static_cast<std::streamsize>(d.size()));
  d.resize(static_cast<std::size_t>(in.gcount()));
  auto v1 = zone_header(d, 0);
  if (!v1)
    return std::nullopt;
  time_zone zone;
  zone.name_ = std::string{name};
  // Version 1 files carry 32-bit times only; version 2+ repeat the data with 64-bit times.
  bool wide = d[4] >= '2';
  std::size_t at = 44;
  auto counts = *v1;
  if (wide) {
    at += v1->time * 5 + v1->type * 6 + v1->chars + v1->leap * 8 + v1->isstd + v1->isut;
    auto v2 = zone_header(d, at);
    if (!v2)
      return std::nullopt;
    counts = *v2;
    at += 44;
  }
  std::size_t width = wide ? 8 : 4;
  std::size_t need = counts.time * (width + 1) + counts.type * 6;
  if (counts.type == 0 || d.size() < at + need)
    return std::nullopt;
  std::vector<std::int32_t> type_offsets(counts.type);
  std::vector<bool> type_dst(counts.type);
  std::size_t types_at = at + counts.time * (width + 1);
  for (std::size_t i = 0; i < counts.type; ++i) {
    type_offsets[i] = static_cast<std::int32_t>(zone_be32(d, types_at + i * 6));
    type_dst[i] = d[types_at + i * 6 + 4] != 0;
  }
  for (std::size_t i = 0; i < counts.time; ++i) {
    auto t = wide ? zone_be64(d, at + i * 8) : static_cast<std::int32_t>(zone_be32(d, at + i * 4));
    auto type = static_cast<std::uint8_t>(d[at + counts.time * width + i]);
    if (type >= counts.type)
      return std::nullopt;
    zone.at_s_.push_back(t);
    zone.offset_s_.push_back(type_offsets[type]);
  }
  // RFC 8536: before the first transition the first standard-time type (else type 0) holds.
  zone.initial_s_ = type_offsets[0];
  for (std::size_t i = 0; i < counts.type; ++i)
    if (!type_dst[i]) {
      zone.initial_s_ = type_offsets[i];
      break;
    }
  return zone;
}

std::int32_t time_zone::offset_s(std::int64_t utc_ms) const {
  auto s = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
  auto it = std::upper_bound(at_s_.begin(), at_s_.end(), s);
  if (it == at_s_.begin())
    return initial_s_;
  return offset_s_[static_cast<std::size_t>(std::distance(at_s_.begin(), it)) - 1];
}

std::int64_t time_zone::utc_of_local(std::int64_t local_ms) const {
  // Try the offsets in force around the wall time; the first that maps back onto it wins.
  auto first = local_ms - std::int64_t{offset_s(local_ms - 86'400'000)} * 1000;
  if (first + std::int64_t{offset_s(first)} * 1000 == local_ms)
    return first;
  auto second = local_ms - std::int64_t{offset_s(local_ms + 86'400'000)} * 1000;
  if (second + std::int64_t{offset_s(second)} * 1000 == local_ms)
    return second;
  return first;  // a wall time in a gap: read with the offset before it
}

std::string local_time_text(std::int64_t utc_ms, std::int32_t offset_s) {
  using namespace std::chrono;
  auto local = sys_time<milliseconds>{milliseconds{utc_ms + std::int64_t{offset_s} * 1000}};
  auto day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<seconds>(local - day)};
  auto off = offset_s < 0 ? -offset_s : offset_s;
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()), offset_s < 0 ? '-' : '+',
                off / 3600, (off % 3600) / 60);
  return text;
}

std::optional<std::int64_t> parse_local_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  std::string copy{text};
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail);
  if (n != 5 && n != 6)
    return std::nullopt;
  if (copy.size() != (n == 5 ? 16u : 19u))
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0 || y < 1970 || y > 9999)
    return std::nullopt;
  auto at = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace aethex::actors
