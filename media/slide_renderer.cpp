#include "media/slide_renderer.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <png.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include "actors/core/entity_ref.hpp"
#include "actors/webinars/webinars.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/replace_file.hpp"

namespace aethex::media {
namespace {

using webinar_ref = actors::entity_ref<actors::webinar_protocol>;
namespace limits = actors::webinar_limits;

// Poppler reports every oddity of a damaged file on stderr; the upload's answer says it instead.
void quiet_poppler(const std::string&, void*) {}

struct loaded_pdf {
  std::shared_ptr<const std::string> bytes;  // poppler reads from these while the document lives
  std::unique_ptr<poppler::document> doc;
};

std::unique_ptr<poppler::document> open_pdf(const std::string& bytes) {
  poppler::set_debug_error_function(quiet_poppler, nullptr);
  return std::unique_ptr<poppler::document>(
    poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
}

// ARGB32 (native byte order) to packed RGB, then PNG with libpng's simplified API.
std::string encode_png(const poppler::image& img) {
  const int w = img.width(), h = img.height();
  if (w <= 0 || h <= 0 || img.format() != poppler::image::format_argb32)
    return {};
  std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * h * 3);
  const auto* data = reinterpret_cast<const unsigned char*>(img.const_data());
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * img.bytes_per_row());
    auto* out = rgb.data() + static_cast<std::size_t>(y) * w * 3;
    for (int x = 0; x < w; ++x) {
      auto px = row[x];
      out[x * 3] = static_cast<unsigned char>(px >> 16);
      out[x * 3 + 1] = static_cast<unsigned char>(px >> 8);
      out[x * 3 + 2] = static_cast<unsigned char>(px);
    }
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(w);
  image.height = static_cast<png_uint_32>(h);
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(), 0, nullptr))
    return {};
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, rgb.data(), 0, nullptr))
    return {};
  png.resize(size);
  return png;
}

std::string render_page(poppler::document& doc, int index, int width_px) {
  std::unique_ptr<poppler::page> page(doc.create_page(index));
  if (!page)
    return {};
  auto box = page->page_rect(poppler::media_box);
  auto rotated = page->orientation() == poppler::page::landscape ||
                 page->orientation() == poppler::page::seascape;
  auto width_pt = rotated ? box.height() : box.width();
  if (width_pt <= 1)
    return {};
  auto dpi = width_px * 72.0 / width_pt;
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_paper_color(0xffffffff);
  return encode_png(renderer.render_page(page.get(), dpi, dpi));
}

std::filesystem::path upload_dir(const std::filesystem::path& data, const std::string& webinar,
                                 std::uint32_t upload) {
  return data / "webinars" / webinar / std::to_string(upload);
}

struct slide_job {
  std::string webinar;
  std::uint32_t upload = 0;
  loaded_pdf pdf;
};

// One worker thread renders the documents in order.
class slide_worker {
 public:
  slide_worker(caf::actor registry, std::filesystem::path data_dir, std::string node_id,
               std::size_t max_pending)
      : registry_(std::move(registry)), data_dir_(std::move(data_dir)),
        node_id_(std::move(node_id)), max_pending_(max_pending),
        worker_([this](std::stop_token stop) { run(stop); }) {}

  bool submit(slide_job job) {
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
      slide_job job;
      {
        std::unique_lock lock{mutex_};
        if (!ready_.wait(lock, stop, [this] { return !queue_.empty(); }))
          return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      render(job, stop);
    }
  }

  void render(slide_job& job, const std::stop_token& stop) {
    webinar_ref webinar{registry_, job.webinar};
    auto dir = upload_dir(data_dir_, job.webinar, job.upload);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !runtime::replace_file(dir / "slides.pdf", *job.pdf.bytes))
      return webinar.tell(actors::slide_failed_atom::value, job.upload,
                          std::string{"the slides cannot be stored"});
    auto pages = static_cast<std::uint32_t>(job.pdf.doc->pages());
    for (std::uint32_t i = 0; i < pages; ++i) {
      if (stop.stop_requested())
        return;
      auto png = render_page(*job.pdf.doc, static_cast<int>(i), limits::page_width_px);
      if (png.empty() || !runtime::replace_file(dir / (std::to_string(i + 1) + ".png"), png))
        return webinar.tell(actors::slide_failed_atom::value, job.upload,
                            "page " + std::to_string(i + 1) + " cannot be rendered");
      webinar.tell(actors::slide_progress_atom::value, job.upload, i + 1, pages);
    }
    // Earlier uploads' pages go once this one is complete.
    for (auto& entry : std::filesystem::directory_iterator(dir.parent_path(), ec))
      if (entry.path().filename() != dir.filename())
        std::filesystem::remove_all(entry.path(), ec);
    webinar.tell(actors::slide_done_atom::value, job.upload, pages, node_id_);
  }

  caf::actor registry_;
  std::filesystem::path data_dir_;
  std::string node_id_;
  std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<slide_job> queue_;  // guarded by mutex_
  std::jthread worker_;          // last: joined before the members it uses go away
};

struct slide_renderer_state {
  std::shared_ptr<slide_worker> worker;
  static inline const char* name = "slide_renderer";
};

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

// Page `page` of an upload as rendered here: for this node's routes and for another member's.
caf::result<std::string> page_png(const std::filesystem::path& data_dir, const std::string& webinar,
                                  std::uint32_t upload, std::uint32_t page) {
  if (!actors::valid_webinar_id(webinar))
    return make_error(aethex::errc::not_found, "webinar not found");
  auto png = read_small_file(upload_dir(data_dir, webinar, upload) /
                             (std::to_string(page) + ".png"));
  if (!png)
    return make_error(aethex::errc::not_found, "slide not rendered");
  return *png;
}

// A whole number >= 0 of a request from another member, or nullopt.
std::optional<std::uint32_t> count_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > UINT32_MAX)
    return std::nullopt;
  return it->get<std::uint32_t>();
}

}  // namespace

std::string render_pdf_page_png(const std::string& pdf, int page_index, int width_px) {
  auto doc = open_pdf(pdf);
  if (!doc || doc->is_locked() || page_index < 0 || page_index >= doc->pages())
    return {};
  return render_page(*doc, page_index, width_px);
}

caf::actor spawn_slide_renderer(caf::actor_system& sys, caf::actor registry,
                                std::filesystem::path data_dir, std::string node_id,
                                std::size_t max_pending) {
  // Detached: opening a large PDF (poppler parses its cross-reference table) and reading page
  // files happen on this actor's own thread, never on the scheduler's.
  return sys.spawn<caf::detached>(
    [registry, data_dir, node_id,
     max_pending](caf::stateful_actor<slide_renderer_state>* self) -> caf::behavior {
      self->state.worker = std::make_shared<slide_worker>(registry, data_dir, node_id, max_pending);
      return {
        [self](actors::slide_render_atom, const std::string& webinar, std::uint32_t upload,
               const std::string& bytes) -> caf::result<std::uint32_t> {
          if (!actors::valid_webinar_id(webinar))
            return make_error(aethex::errc::not_found, "webinar not found");
          if (bytes.size() < 5 || bytes.compare(0, 5, "%PDF-") != 0)
            return make_error(aethex::errc::unsupported_media_type, "the slides must be a PDF");
          auto shared = std::make_shared<const std::string>(bytes);
          auto doc = open_pdf(*shared);
          if (!doc)
            return make_error(aethex::errc::invalid_argument, "the PDF cannot be read (damaged?)");
          if (doc->is_locked())
            return make_error(aethex::errc::invalid_argument, "the PDF is encrypted");
          auto pages = doc->pages();
          if (pages < 1)
            return make_error(aethex::errc::invalid_argument, "the PDF has no pages");
          if (pages > static_cast<int>(limits::pages_max))
            return make_error(aethex::errc::invalid_argument, "the PDF has more than 300 pages");
          if (!self->state.worker->submit({webinar, upload, {shared, std::move(doc)}}))
            return make_error(aethex::errc::unavailable, "the slide renderer is busy; try again",
                              {}, 5);
          return static_cast<std::uint32_t>(pages);
        },
        [data_dir](actors::slide_image_atom, const std::string& webinar, std::uint32_t upload,
                   std::uint32_t page) { return page_png(data_dir, webinar, upload, page); },
        // Another member serving a page rendered here asks through this node's services (a
        // request on the renderer's topic, slide_image_request): {"image": {"webinar",
        // "upload", "page"}} -> the PNG bytes.
        [data_dir](publish_atom, const std::string&,
                   const std::string& payload) -> caf::result<std::string> {
          auto j = nlohmann::json::parse(payload, nullptr, false);
          auto image = j.is_object() ? j.find("image") : j.end();
          if (!j.is_object() || image == j.end() || !image->is_object() ||
              !(*image)["webinar"].is_string())
            return make_error(aethex::errc::invalid_argument, "not a slide page request");
          auto upload = count_of(*image, "upload");
          auto page = count_of(*image, "page");
          if (!upload || !page)
            return make_error(aethex::errc::invalid_argument, "not a slide page request");
          return page_png(data_dir, (*image)["webinar"].get<std::string>(), *upload, *page);
        },
      };
    });
}

}  // namespace aethex::media
