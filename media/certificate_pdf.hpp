// Certificate PDFs, drawn with cairo's PDF surface into memory (docs/education.md, section
// Certificates): A4 landscape with the student's name, the course's title, the date of issue in
// the course's time zone, the issuer, the verification URL and the code. Fonts come from
// cairo's toy API through fontconfig (DejaVu Serif / Sans, Debian's fonts-dejavu-core), so no
// text-layout library is needed: long names shrink, then wrap, then end in "…".
//
// The node's renderer service (service_names::certificate_renderer) draws on one detached
// thread, so a batch of downloads never holds a CAF worker; at most `max_pending` wait.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <nlohmann/json.hpp>

namespace aethex::media {

/// A4 landscape in PostScript points.
inline constexpr double certificate_width_pt = 841.89;
inline constexpr double certificate_height_pt = 595.28;

/// "4 December 2026": the day of `utc_ms` in IANA zone `zone` (UTC when the zone is unknown).
std::string certificate_date(std::int64_t utc_ms, const std::string& zone);

/// Text made safe for cairo: invalid UTF-8 bytes and control characters become U+FFFD / spaces.
std::string certificate_text(const std::string& text);

/// The PDF of a render job (actors/certificates/certificates.hpp: {"code","name","course",
/// "issuer","issued_at_ms","timezone","url","revoked"?}); empty on a cairo failure.
std::string render_certificate_pdf(const nlohmann::json& job);

/// The renderer service: (cert_render_atom, job JSON text) → the PDF bytes; unavailable
/// ("busy") when `max_pending` jobs wait, invalid_argument for a job that is not JSON.
caf::actor spawn_certificate_renderer(caf::actor_system& sys, std::size_t max_pending = 16);

}  // namespace aethex::media
