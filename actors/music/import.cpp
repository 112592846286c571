// Bulk import of a track list (docs/music.md): CSV as RFC 4180 writes it (quoted fields with ""
// escapes and line breaks inside, CRLF or LF) under a header row, and M3U's #EXTINF lines. A bad
// record is reported with its line and skipped; the rest is imported.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "actors/core/text.hpp"
#include "actors/music/library.hpp"
#include "actors/music/music.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct csv_record {
  std::size_t line = 0;
  std::vector<std::string> fields;
  std::string error;  // a broken quote
};

// Splits CSV text into records; a record starts on `line` (1-based).
std::vector<csv_record> csv_records(std::string_view text) {
  std::vector<csv_record> out;
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    csv_record rec;
    rec.line = line;
    std::string field;
    bool quoted_field = false;
    bool end_of_record = false;
    while (i < text.size() && !end_of_record) {
      char c = text[i];
      if (c == '"' && field.empty() && !quoted_field) {
        quoted_field = true;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (text[i] == '\n')
            ++line;
          field += text[i++];
        }
        if (!closed)
          rec.error = "a quoted field is not closed";
        // Anything between the closing quote and the separator is refused.
        if (closed && i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          rec.error = "text after a closing quote";
          while (i < text.size() && text[i] != ',' && text[i] != '\n')
            ++i;
        }
        continue;
      }
      if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted_field = false;
        ++i;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      } else if (c == '\n') {
        ++i;
        ++line;
        end_of_record = true;
      } else {
        field += c;
        ++i;
      }
    }
    rec.fields.push_back(std::move(field));
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty() && !quoted_field;
    if (!blank || !rec.error.empty())
      out.push_back(std::move(rec));
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string{s};
}

// Seconds ("215", "215.5") or m:ss / h:mm:ss → milliseconds; nullopt when it is neither.
std::optional<std::int64_t> duration_of(std::string_view text) {
  double total = 0;
  std::size_t parts = 0;
  while (true) {
    auto colon = text.find(':');
    auto part = text.substr(0, colon);
    double value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size() || value < 0 ||
        !std::isfinite(value))
      return std::nullopt;
    if (parts > 0 && value >= 60)
      return std::nullopt;
    total = total * 60 + value;
    if (++parts > 3)
      return std::nullopt;
    if (colon == std::string_view::npos)
      break;
    // Only the last part may have a fraction.
    if (part.find('.') != std::string_view::npos)
      return std::nullopt;
    text.remove_prefix(colon + 1);
  }
  return static_cast<std::int64_t>(std::llround(total * 1000));
}

// The error of a checked track as one line's message.
std::string message_of_field_error(const caf::error& err) { return message_of(err); }

caf::expected<import_parse> parse_csv(std::string_view text) {
  import_parse out;
  auto records = csv_records(text);
  if (records.empty())
    return make_error(errc::invalid_argument, "the CSV has no header row");
  std::map<std::size_t, std::string> columns;  // field index → known column
  bool has_title = false;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
    auto name = ascii_lower(trim(records[0].fields[i]));
    if (name == "title" || name == "artist" || name == "album" || name == "bpm" || name == "key" ||
        name == "duration") {
      columns[i] = name;
      has_title = has_title || name == "title";
    }
  }
  if (!has_title)
    return make_error(errc::invalid_argument,
                      "the CSV header must name a title column (title,artist,album,bpm,key,"
                      "duration)");
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto& rec = records[r];
    if (!rec.error.empty()) {
      out.errors.push_back({rec.line, rec.error});
      continue;
    }
    json body = json::object();
    std::string problem;
    for (auto& [index, name] : columns) {
      auto value = index < rec.fields.size() ? trim(rec.fields[index]) : std::string{};
      if (name == "bpm") {
        if (value.empty())
          continue;
        double bpm = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bpm);
        if (ec != std::errc{} || end != value.data() + value.size()) {
          problem = "bpm '" + value + "' is not a number";
          break;
        }
        body["bpm"] = bpm;
      } else if (name == "duration") {
        if (value.empty())
          continue;
        auto ms = duration_of(value);
        if (!ms) {
          problem = "duration '" + value + "' is neither seconds nor m:ss";
          break;
        }
        body["duration_ms"] = *ms;
      } else {
        body[name] = value;
      }
    }
    music_track t;
    if (problem.empty())
      if (auto err = apply_track_fields(body, t, true))
        problem = message_of_field_error(err);
    if (!problem.empty()) {
      out.errors.push_back({rec.line, problem});
      continue;
    }
    out.tracks.push_back(std::move(t));
    out.lines.push_back(rec.line);
  }
  return out;
}

import_parse parse_m3u(std::string_view text) {
  import_parse out;
  std::size_t line = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line;
    auto row = trim(raw);
    if (!row.starts_with("#EXTINF:"))
      continue;  // #EXTM3U, other directives, comments, blank and path lines
    auto rest = std::string_view{row}.substr(8);
    auto comma = rest.find(',');
    if (comma == std::string_view::npos) {
      out.errors.push_back({line, "#EXTINF needs '<seconds>,<artist> - <title>'"});
      continue;
    }
    // Attributes (tvg-id="…") may follow the duration; the duration is the first word.
    auto seconds_text = trim(rest.substr(0, comma));
    seconds_text = seconds_text.substr(0, seconds_text.find(' '));
    double seconds = 0;
    auto [end, ec] = std::from_chars(seconds_text.data(), seconds_text.data() + seconds_text.size(),
                                     seconds);
    if (ec != std::errc{} || end != seconds_text.data() + seconds_text.size() ||
        !std::isfinite(seconds)) {
      out.errors.push_back({line, "the #EXTINF duration '" + seconds_text + "' is not a number"});
      continue;
    }
    auto name = trim(rest.substr(comma + 1));
    json body = json::object();
    if (auto dash = name.find(" - "); dash != std::string::npos) {
      body["artist"] = trim(name.substr(0, dash));
      body["title"] = trim(name.substr(dash + 3));
    } else {
      body["title"] = name;
    }
    if (seconds > 0)  // -1 means unknown
      body["duration_ms"] = static_cast<std::int64_t>(std::llround(seconds * 1000));
    music_track t;
    if (auto err = apply_track_fields(body, t, true)) {
      out.errors.push_back({line, message_of(err)});
      continue;
    }
    out.tracks.push_back(std::move(t));
    out.lines.push_back(line);
  }
  return out;
}

}  // namespace

caf::expected<import_parse> parse_music_import(std::string_view format, std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF"))  // a BOM, as spreadsheet exports write it
    text.remove_prefix(3);
  if (format == "csv")
    return parse_csv(text);
  if (format == "m3u" || format == "m3u8")
    return parse_m3u(text);
  return make_error(errc::invalid_argument, "format must be csv or m3u");
}

}  // namespace aethex::actors
