#include "media/clip_renderer.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/clip/clip.hpp"
#include "actors/core/entity_ref.hpp"
#include "media/clip_cutter.hpp"
#include "media/clip_trim.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::media {
namespace {

using clip_ref = actors::entity_ref<actors::clip_protocol>;
namespace vod_files = actors::vod_files;

std::optional<actors::clip_job> parse_job(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("clip") || !j["clip"].is_string() || !j.contains("vod") ||
      !j["vod"].is_string())
    return std::nullopt;
  actors::clip_job job;
  job.clip = j["clip"].get<std::string>();
  job.vod = j["vod"].get<std::string>();
  job.start_s = j.value("start_s", 0.0);
  job.duration_s = j.value("duration_s", 0.0);
  job.exact = j.value("exact", false);
  if (!vod_files::valid_id(job.clip) || !vod_files::valid_id(job.vod) ||
      job.duration_s < actors::min_clip_s - 1e-9 || job.duration_s > actors::max_clip_s + 1e-9)
    return std::nullopt;
  return job;
}

// One worker thread renders the jobs in order.
class render_worker {
 public:
  render_worker(caf::actor registry, std::filesystem::path data_dir, std::string node_id,
                std::size_t max_pending)
      : registry_(std::move(registry)), data_dir_(std::move(data_dir)),
        node_id_(std::move(node_id)), max_pending_(max_pending),
        worker_([this](std::stop_token stop) { run(stop); }) {}

  /// A deleted clip: a waiting job is dropped; one being rendered has its file removed after.
  void cancel(const std::string& clip) {
    std::lock_guard lock{mutex_};
    std::erase_if(queue_, [&](const actors::clip_job& job) { return job.clip == clip; });
    if (rendering_ == clip)
      cancelled_ = true;
  }

  bool submit(actors::clip_job job) {
    {
      std::lock_guard lock{mutex_};
      if (queue_.size() >= max_pending_)
        return false;
      queue_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
  }

 private:
  void run(std::stop_token stop) {
    while (true) {
      actors::clip_job job;
      {
        std::unique_lock lock{mutex_};
        if (!ready_.wait(lock, stop, [this] { return !queue_.empty(); }))
          return;
        job = std::move(queue_.front());
        queue_.pop_front();
        rendering_ = job.clip;
        cancelled_ = false;
      }
      render(job);
      std::lock_guard lock{mutex_};
      if (cancelled_) {
        std::error_code ec;
        std::filesystem::remove(actors::clip_files::file(data_dir_, job.clip), ec);
      }
      rendering_.clear();
    }
  }

  void render(const actors::clip_job& job) {
    clip_ref clip{registry_, job.clip};
    auto media = vod_files::dir(data_dir_, job.vod) / vod_files::media;
    auto out = actors::clip_files::file(data_dir_, job.clip);
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    std::string error;
    auto map = map_recording(media);
    if (!map)
      return clip.tell(actors::clip_failed_atom::value, std::string{"the VOD cannot be read"});
    clip.tell(actors::clip_progress_atom::value, std::uint32_t{5});
    std::optional<clip_cut> cut;
    if (!job.exact) {
      cut = cut_on_keyframes(*map, media, job.start_s, job.duration_s, out, error);
    } else {
      // The keyframe cut holds the GOP before the start too: the re-encode drops that part.
      auto keyframes = out;
      keyframes += ".keyframes.mp4";
      auto start = keyframe_before(*map, job.start_s, job.duration_s);
      auto skip = start ? start->start_s - start->keyframe_s : 0.0;
      auto head = start ? cut_on_keyframes(*map, media, start->start_s, skip + job.duration_s + 0.2,
                                           keyframes, error)
                        : std::nullopt;
      if (start && !head && error.empty())
        error = "no keyframe in the range";
      if (head) {
        auto progress = [clip](unsigned percent) {
          clip.tell(actors::clip_progress_atom::value, std::uint32_t{5 + percent * 9 / 10});
        };
        cut = trim_exactly(keyframes, start->start_s - head->start_s, job.duration_s, out, progress,
                           error);
        if (cut)
          cut->start_s = start->start_s;
      }
      std::filesystem::remove(keyframes, ec);
    }
    if (!cut)
      return clip.tell(actors::clip_failed_atom::value, error);
    clip.tell(actors::clip_done_atom::value,
              actors::clip_rendered{cut->start_s, cut->duration_s, cut->bytes, cut->keyframe_start,
                                    node_id_});
  }

  caf::actor registry_;
  std::filesystem::path data_dir_;
  std::string node_id_;
  std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<actors::clip_job> queue_;  // guarded by mutex_
  std::string rendering_;               // guarded by mutex_: the clip being rendered
  bool cancelled_ = false;              // guarded by mutex_: deleted while rendered
  std::jthread worker_;                 // last: joined before the members it uses go away
};

struct renderer_state {
  std::shared_ptr<render_worker> worker;
  std::filesystem::path data_dir;
  static inline const char* name = "clip_renderer";
};

}  // namespace

caf::actor spawn_clip_renderer(caf::actor_system& sys, caf::actor registry,
                               std::filesystem::path data_dir, std::string node_id,
                               std::size_t max_pending) {
  return sys.spawn([registry, data_dir, node_id,
                    max_pending](caf::stateful_actor<renderer_state>* self) -> caf::behavior {
    self->state.data_dir = data_dir;
    self->state.worker = std::make_shared<render_worker>(registry, data_dir, node_id, max_pending);
    return {
      [self, registry](publish_atom, const std::string&, const std::string& payload) {
        auto j = nlohmann::json::parse(payload, nullptr, false);
        const auto& data_dir = self->state.data_dir;
        if (j.is_object() && j.contains("delete") && j["delete"].is_string()) {
          auto id = j["delete"].get<std::string>();
          std::error_code ec;
          if (!vod_files::valid_id(id))
            return;
          self->state.worker->cancel(id);
          std::filesystem::remove(actors::clip_files::file(data_dir, id), ec);
          return;
        }
        auto job = parse_job(j);
        std::error_code ec;
        // Every member hears the job; the one with the recording renders it.
        if (!job || !std::filesystem::exists(vod_files::dir(data_dir, job->vod), ec))
          return;
        auto id = job->clip;
        if (!self->state.worker->submit(std::move(*job)))
          clip_ref{registry, id}.tell(actors::clip_failed_atom::value,
                                      std::string{"the clip renderer is busy; try again"});
      },
    };
  });
}

}  // namespace aethex::media
