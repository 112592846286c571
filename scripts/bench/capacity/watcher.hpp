// Follows one HLS playlist like media_capacity.py's SegmentWatcher: polled every `interval` s
// on one keep-alive connection; each segment that appears is fetched once for its media span.
// For each it records [msn, seen, start, end, EXTINF, known] (seen: wall time the playlist
// answer listing it first arrived; known: the previous poll was answered, 200 without it or 404
// before the stream was live), so that the Python judge reads both watchers' results alike.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "media_spans.hpp"

namespace capacity {

struct playlist_entry {
  std::int64_t msn;
  std::string uri, map;
  double extinf;
};

inline std::vector<playlist_entry> parse_playlist(std::string_view text) {
  std::vector<playlist_entry> out;
  std::int64_t seq = 0;
  double dur = -1;
  std::string map;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:"))
      seq = std::stoll(std::string{line.substr(22)});
    else if (line.starts_with("#EXTINF:"))
      dur = std::stod(std::string{line.substr(8)});
    else if (line.starts_with("#EXT-X-MAP:")) {
      auto u = line.find("URI=\"");
      if (u != std::string_view::npos)
        map = std::string{line.substr(u + 5, line.find('"', u + 5) - u - 5)};
    } else if (!line.empty() && line[0] != '#') {
      out.push_back({seq + static_cast<std::int64_t>(out.size()), std::string{line}, map, dur});
      dur = -1;
    }
  }
  return out;
}

class watcher : public std::enable_shared_from_this<watcher> {
 public:
  watcher(asio::io_context& io, std::string host, std::string port, std::string path,
          double interval)
      : http_(io, host, port), timer_(io), path_(std::move(path)), interval_(interval) {}

  void start(double phase, const std::atomic<double>& deadline) {
    deadline_ = &deadline;
    due_ = wall_now() + phase;
    schedule();
  }

  std::atomic<bool> finished{false};  // polled for the last time (the deadline passed)

  nlohmann::json result(const std::string& url) const {
    nlohmann::json segs = nlohmann::json::array();
    for (auto& [msn, s] : segs_)
      segs.push_back(s);
    return {{"url", url},
            {"format", format_.empty() ? nlohmann::json() : nlohmann::json(format_)},
            {"segs", segs},
            {"errors", errors_},
            {"resets", resets_}};
  }

 private:
  void schedule() {
    auto now = wall_now();
    if (now >= *deadline_) {
      http_.close();
      return finished.store(true);
    }
    timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(std::max(0.0, due_ - now))));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec)
        self->poll();
    });
  }

  void poll() {
    if (wall_now() >= *deadline_)
      return schedule();
    http_.get(path_, [self = shared_from_this()](bool, int status, std::string_view body) {
      auto seen = wall_now();
      if (status != 200) {
        if (status != 404)
          self->errors_.push_back(seen);
        self->answered_ = status == 404;
        return self->next_poll();
      }
      std::vector<playlist_entry> entries;
      try {
        entries = parse_playlist(body);
      } catch (const std::exception&) {
        self->errors_.push_back(seen);
        self->answered_ = false;
        return self->next_poll();
      }
      bool known = self->answered_;
      self->answered_ = true;
      if (!entries.empty() && entries.back().msn < self->last_) {  // the numbering started again
        self->resets_.push_back(seen);
        self->last_ = -1;
      }
      for (auto& e : entries)
        if (e.msn > self->last_) {
          self->last_ = e.msn;
          self->fresh_.push_back(std::move(e));
          self->fresh_seen_.push_back({seen, known});
        }
      self->fetch_next();
    });
  }

  void next_poll() {
    auto now = wall_now();
    while (due_ <= now)
      due_ += interval_;  // skip the polls a slow answer made us miss
    schedule();
  }

  // Fetches the new segments one by one (the init segment first when it is new), then polls.
  void fetch_next() {
    if (fresh_.empty())
      return next_poll();
    auto& e = fresh_.front();
    if (!e.map.empty() && !inits_.count(e.map))
      return http_.get(resolve(e.map),
                       [self = shared_from_this()](bool, int status, std::string_view body) {
                         auto& map = self->fresh_.front().map;
                         if (status == 200)
                           self->inits_[map] = video_track_of(body);
                         else
                           self->inits_[map] = std::nullopt;
                         self->fetch_next();
                       });
    http_.get(resolve(e.uri), [self = shared_from_this()](bool, int status, std::string_view body) {
      auto e = std::move(self->fresh_.front());
      auto [seen, known] = self->fresh_seen_.front();
      self->fresh_.erase(self->fresh_.begin());
      self->fresh_seen_.erase(self->fresh_seen_.begin());
      std::optional<span> s;
      if (status == 200) {
        if (!e.map.empty()) {
          self->format_ = "fMP4";
          if (auto& track = self->inits_[e.map])
            s = fmp4_video_span(body, *track);
        } else {
          self->format_ = "TS";
          s = ts_video_span(body);
        }
      }
      nlohmann::json start = s ? nlohmann::json(s->first) : nlohmann::json();
      nlohmann::json end = s ? nlohmann::json(s->second) : nlohmann::json();
      nlohmann::json extinf = e.extinf >= 0 ? nlohmann::json(e.extinf) : nlohmann::json();
      self->segs_[e.msn] = nlohmann::json::array({e.msn, seen, start, end, extinf, known});
      self->fetch_next();
    });
  }

  std::string resolve(const std::string& uri) const {
    if (uri.starts_with("http://")) {
      auto p = uri.find('/', 7);
      return p == std::string::npos ? "/" : uri.substr(p);
    }
    return uri.starts_with("/") ? uri : path_.substr(0, path_.rfind('/') + 1) + uri;
  }

  http_client http_;
  asio::steady_timer timer_;
  std::string path_;
  double interval_, due_ = 0;
  const std::atomic<double>* deadline_ = nullptr;
  std::int64_t last_ = -1;
  bool answered_ = false;
  std::string format_;
  std::vector<playlist_entry> fresh_;
  std::vector<std::pair<double, bool>> fresh_seen_;
  std::map<std::string, std::optional<video_track>> inits_;
  std::map<std::int64_t, nlohmann::json> segs_;
  std::vector<double> errors_, resets_;
};

}  // namespace capacity
