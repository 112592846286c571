#include "media/certificate_pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

#include "actors/certificates/certificates.hpp"
#include "actors/courses/zone.hpp"
#include "runtime/errors.hpp"

namespace aethex::media {
namespace {

using json = nlohmann::json;

// Bytes of the code point starting at text[i] when it is well-formed UTF-8 (no overlongs or
// surrogates), else 0.
std::size_t utf8_point(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  auto c = byte(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > text.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  if ((n == 2 && c < 0xC2) || (n == 3 && c == 0xE0 && byte(i + 1) < 0xA0) ||
      (n == 3 && c == 0xED && byte(i + 1) >= 0xA0) || (n == 4 && c == 0xF0 && byte(i + 1) < 0x90) ||
      (n == 4 && (c > 0xF4 || (c == 0xF4 && byte(i + 1) >= 0x90))))
    return 0;
  return n;
}

struct surface_deleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct context_deleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t append_pdf_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, text.c_str(), &ext);
  return ext.x_advance;
}

// Whole code points of `text` that fit `width` (at least one).
std::size_t fitting_prefix(cairo_t* cr, const std::string& text, double width) {
  std::size_t end = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto n = std::max<std::size_t>(utf8_point(text, i), 1);
    if (end > 0 && text_width(cr, text.substr(0, i + n)) > width)
      break;
    i += n;
    end = i;
  }
  return end;
}

// Greedy word wrap; a word longer than a line is cut between code points.
std::vector<std::string> wrap_lines(cairo_t* cr, const std::string& text, double width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto space = text.find(' ', from);
    auto word = text.substr(from, space == std::string::npos ? std::string::npos : space - from);
    from = space == std::string::npos ? text.size() + 1 : space + 1;
    if (word.empty())
      continue;
    auto joined = line.empty() ? word : line + " " + word;
    if (text_width(cr, joined) <= width) {
      line = std::move(joined);
      continue;
    }
    if (!line.empty())
      lines.push_back(std::move(line));
    line.clear();
    while (text_width(cr, word) > width) {
      auto cut = fitting_prefix(cr, word, width);
      lines.push_back(word.substr(0, cut));
      word.erase(0, cut);
    }
    line = std::move(word);
  }
  if (!line.empty())
    lines.push_back(std::move(line));
  return lines;
}

// Draws `text` centred on the page around baseline `y`: at `size` when it fits one line, else
// smaller down to `min_size`, then on up to `max_lines` lines, the last cut with "…". Returns
// the baseline after the block.
double draw_fitted(cairo_t* cr, const std::string& text, double y, double width, double size,
                   double min_size, std::size_t max_lines) {
  for (; size > min_size; size -= 1) {
    cairo_set_font_size(cr, size);
    if (text_width(cr, text) <= width)
      break;
  }
  cairo_set_font_size(cr, size);
  auto lines = wrap_lines(cr, text, width);
  if (lines.size() > max_lines) {
    lines.resize(max_lines);
    auto& last = lines.back();
    while (!last.empty() && text_width(cr, last + "…") > width) {
      auto cut = last.size() - 1;
      while (cut > 0 && (static_cast<unsigned char>(last[cut]) & 0xC0) == 0x80)
        --cut;
      last.resize(cut);
    }
    last += "…";
  }
  for (const auto& line : lines) {
    cairo_move_to(cr, (certificate_width_pt - text_width(cr, line)) / 2, y);
    cairo_show_text(cr, line.c_str());
    y += size * 1.2;
  }
  return y;
}

void set_font(cairo_t* cr, const char* family, bool bold, double size) {
  cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void draw_certificate(cairo_t* cr, const json& job) {
  const double w = certificate_width_pt;
  const double h = certificate_height_pt;
  const double text_w = w - 160;
  auto field = [&](const char* key) { return certificate_text(job.value(key, std::string{})); };
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  // Double frame.
  cairo_set_source_rgb(cr, 0.13, 0.25, 0.45);
  cairo_set_line_width(cr, 6);
  cairo_rectangle(cr, 24, 24, w - 48, h - 48);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 1.5);
  cairo_rectangle(cr, 36, 36, w - 72, h - 72);
  cairo_stroke(cr);

  set_font(cr, "DejaVu Serif", true, 34);
  draw_fitted(cr, "Certificate of Completion", 120, text_w, 34, 34, 1);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  set_font(cr, "DejaVu Serif", false, 16);
  draw_fitted(cr, "This certifies that", 175, text_w, 16, 16, 1);
  cairo_set_source_rgb(cr, 0, 0, 0);
  set_font(cr, "DejaVu Serif", true, 40);
  auto y = draw_fitted(cr, field("name"), 235, text_w, 40, 24, 2);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  set_font(cr, "DejaVu Serif", false, 16);
  y = draw_fitted(cr, "has completed the course", std::max(y + 8, 285.0), text_w, 16, 16, 1);
  cairo_set_source_rgb(cr, 0.13, 0.25, 0.45);
  set_font(cr, "DejaVu Serif", true, 28);
  y = draw_fitted(cr, field("course"), y + 22, text_w, 28, 18, 2);

  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  set_font(cr, "DejaVu Sans", false, 14);
  auto date = certificate_date(job.value("issued_at_ms", std::int64_t{0}),
                               job.value("timezone", std::string{"UTC"}));
  y = draw_fitted(cr, "Issued on " + date, std::max(y + 20, 410.0), text_w, 14, 10, 1);
  draw_fitted(cr, "by " + field("issuer"), y + 2, text_w, 14, 10, 2);

  set_font(cr, "DejaVu Sans", false, 11);
  draw_fitted(cr, "Verify at " + field("url"), h - 92, text_w, 11, 7, 1);
  set_font(cr, "DejaVu Sans Mono", true, 16);
  draw_fitted(cr, "Code: " + field("code"), h - 68, text_w, 16, 16, 1);

  if (job.value("revoked", false)) {
    cairo_save(cr);
    cairo_translate(cr, w / 2, h / 2);
    cairo_rotate(cr, -0.35);
    cairo_set_source_rgba(cr, 0.8, 0.05, 0.05, 0.55);
    set_font(cr, "DejaVu Sans", true, 120);
    cairo_move_to(cr, -text_width(cr, "REVOKED") / 2, 40);
    cairo_show_text(cr, "REVOKED");
    cairo_restore(cr);
  }
}

struct certificate_renderer_state {
  std::size_t pending = 0;
  caf::actor worker;  // detached: one job at a time, on its own thread
  static inline const char* name = "certificate_renderer";
};

}  // namespace

std::string certificate_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto n = utf8_point(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (n == 1 && (c < 0x20 || c == 0x7f))
      out += ' ';
    else
      out.append(text, i, n);
    i += n;
  }
  return out;
}

std::string certificate_date(std::int64_t utc_ms, const std::string& zone) {
  std::int32_t offset_s = 0;
  if (auto tz = actors::time_zone::load(zone))
    offset_s = tz->offset_s(utc_ms);
  using namespace std::chrono;
  auto local = sys_days{} + milliseconds{utc_ms + std::int64_t{offset_s} * 1000};
  year_month_day day{floor<days>(local)};
  static constexpr std::array<const char*, 12> months = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
  return std::to_string(static_cast<unsigned>(day.day())) + " " +
         months[static_cast<unsigned>(day.month()) - 1] + " " +
         std::to_string(static_cast<int>(day.year()));
}

std::string render_certificate_pdf(const json& job) {
  std::string pdf;
  {
    std::unique_ptr<cairo_surface_t, surface_deleter> surface{cairo_pdf_surface_create_for_stream(
      append_pdf_bytes, &pdf, certificate_width_pt, certificate_height_pt)};
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   "Certificate of Completion");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "AeThex LIVE");
    std::unique_ptr<cairo_t, context_deleter> cr{cairo_create(surface.get())};
    draw_certificate(cr.get(), job);
    cairo_show_page(cr.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
      return {};
    cr.reset();
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
      return {};
  }
  return pdf;
}

caf::actor spawn_certificate_renderer(caf::actor_system& sys, std::size_t max_pending) {
  return sys.spawn(
    [max_pending](caf::stateful_actor<certificate_renderer_state>* self) -> caf::behavior {
      // Drawing takes a few milliseconds of CPU per page: a detached, linked worker keeps it off
      // the scheduler's threads and goes when the service goes.
      self->state.worker = self->spawn<caf::detached + caf::linked>([]() -> caf::behavior {
        return {
          [](actors::cert_render_atom, const std::string& text) -> caf::result<std::string> {
            auto job = json::parse(text, nullptr, false);
            if (!job.is_object())
              return make_error(errc::invalid_argument, "a render job must be a JSON object");
            auto pdf = render_certificate_pdf(job);
            if (pdf.empty())
              return make_error(errc::internal, "cairo could not draw the certificate");
            return pdf;
          },
        };
      });
      return {
        [self, max_pending](actors::cert_render_atom,
                            const std::string& job) -> caf::result<std::string> {
          auto& st = self->state;
          if (st.pending >= max_pending)
            return make_error(errc::unavailable, "the certificate renderer is busy", "busy", 1);
          ++st.pending;
          auto rp = self->make_response_promise<std::string>();
          self->request(st.worker, caf::infinite, actors::cert_render_atom::value, job)
            .then(
              [self, rp](std::string& pdf) mutable {
                --self->state.pending;
                rp.deliver(std::move(pdf));
              },
              [self, rp](caf::error& err) mutable {
                --self->state.pending;
                rp.deliver(std::move(err));
              });
          return rp;
        },
      };
    });
}

}  // namespace aethex::media
