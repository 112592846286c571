// webinar/<id>: a scheduled live event on a channel with presenters, registrations, PDF slides
// rendered to PNG pages and the page every viewer sees. Contract: docs/webinars.md, section "The
// webinar entity".
//
// Events (JSON, schema 1): webinar.created {"channel","fields": {"title","description",
// "starts_at_ms","duration_min","timezone","presenters","access"},"by"}, webinar.updated
// {"fields": the changed ones,"by"}, webinar.deleted {"by"}, webinar.registered {"user"},
// webinar.unregistered {"user"}, webinar.slides_uploaded {"upload","by"}, webinar.slides_rendered
// {"upload","pages","node"}, webinar.slides_failed {"upload","reason"}, webinar.slide_changed
// {"channel","page","pages", "by"} (its timestamp is the change's time: the VOD timeline reads it).
//
// Slides: the upload route hands the PDF to the node's slide renderer (service_names::
// slide_renderer, media/slide_renderer.hpp) with a slide_render_atom; the renderer checks that
// poppler can open it (the route answers 4xx at once when not), then renders every page on its
// own worker thread (never an actor thread) and reports to webinar/<id> with the three
// slide_*_atom messages below. All messages carry built-in types only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/principal.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

// ---- the public asks (Q&A, courses) ----
/// (webinar_get_atom) -> the webinar JSON of docs/webinars.md | not_found.
using webinar_get_atom = caf::atom_constant<caf::atom("webget")>;
/// (webinar_access_atom, runtime::principal) -> {"watch": bool, "ask": bool, "moderate": bool}
/// as JSON text | not_found. Managers (the channel's broadcaster and editors, the admin, an org
/// channel's owner/admins/instructors) and presenters may do all three; the channel's
/// moderators may moderate; with access "registered" only registered users watch and ask, with
/// "public" everyone watches and signed-in users ask.
using webinar_access_atom = caf::atom_constant<caf::atom("webaccess")>;

// ---- the webinars domain's own commands (routes, console) ----
using webinar_create_atom = caf::atom_constant<caf::atom("webcreate")>;
using webinar_update_atom = caf::atom_constant<caf::atom("webupdate")>;
using webinar_delete_atom = caf::atom_constant<caf::atom("webdelete")>;
using webinar_register_atom = caf::atom_constant<caf::atom("webreg")>;
using webinar_upload_atom = caf::atom_constant<caf::atom("webupload")>;
using webinar_page_atom = caf::atom_constant<caf::atom("webpage")>;

// ---- the slide-render job ----
/// To the slide renderer service: (slide_render_atom, webinar id, upload number, PDF bytes) ->
/// std::uint32_t page count once poppler opened the document (rendering goes on in the
/// background) | unsupported_media_type (not a PDF) | invalid_argument (a PDF poppler cannot
/// read, encrypted, no pages, more than webinar_limits::pages_max) | unavailable (busy).
using slide_render_atom = caf::atom_constant<caf::atom("slidernd")>;
/// To the slide renderer service: (slide_image_atom, webinar id, upload number, page 1…) ->
/// std::string PNG bytes | not_found (not on this node, or not rendered yet).
using slide_image_atom = caf::atom_constant<caf::atom("slideimg")>;
/// From the renderer to webinar/<id>: (slide_progress_atom, upload, pages rendered, pages),
/// (slide_done_atom, upload, pages, node id), (slide_failed_atom, upload, reason).
using slide_progress_atom = caf::atom_constant<caf::atom("slideprog")>;
using slide_done_atom = caf::atom_constant<caf::atom("slidedone")>;
using slide_failed_atom = caf::atom_constant<caf::atom("slidefail")>;

namespace webinar_limits {
inline constexpr std::size_t title_max = 200;         // code points
inline constexpr std::size_t description_max = 5000;  // code points
inline constexpr std::size_t presenters_max = 20;
inline constexpr std::size_t registrations_max = 10'000;
inline constexpr std::int64_t duration_max_min = 24 * 60;
inline constexpr std::size_t pdf_max_bytes = 50u << 20;
inline constexpr std::uint32_t pages_max = 300;
inline constexpr int page_width_px = 1280;
/// Slide changes kept in the entity (the read model keeps them all).
inline constexpr std::size_t slide_changes_max = 2000;
/// How long before an attendee-only webinar's start a recording of its channel is already born
/// private (actors/vod/vod_hold.hpp): presenters go live a little early.
inline constexpr std::int64_t vod_hold_early_ms = 30 * 60'000;
}  // namespace webinar_limits

/// The stream (entity) prefix and the ids the node gives: 12 lower-case hex digits.
inline constexpr std::string_view webinar_stream_prefix = "webinar/";
inline bool valid_webinar_id(std::string_view id) {
  if (id.size() != 12)
    return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

/// Protocol of webinar/<id>. Routes check who asks where the entity cannot (channel roles are
/// the chat room's: the route passes `manager` = the caller manages the webinar's channel).
///  (webinar_get_atom)                                 -> webinar JSON | not_found
///  (webinar_access_atom, who)                         -> {"watch","ask","moderate"}
///  (webinar_create_atom, channel, by, body JSON)      -> webinar | invalid_argument | conflict
///  (webinar_update_atom, by, patch JSON)              -> webinar | invalid_argument | not_found
///  (webinar_delete_atom, by)                          -> {"deleted": id} | not_found
///  (webinar_register_atom, user, bool on)             -> webinar | not_found | conflict (full)
///  (webinar_upload_atom, by)                          -> the upload number (std::uint32_t)
///  (webinar_page_atom, by, page)                      -> webinar | invalid_argument (no such
///                                                        page) | conflict (no slides yet)
struct webinar_protocol {
  static constexpr std::string_view kind = "webinar";
  static std::string reply_to(webinar_get_atom);
  static std::string reply_to(webinar_access_atom, runtime::principal who);
  static std::string reply_to(webinar_create_atom, std::string channel, std::string by,
                              std::string body);
  static std::string reply_to(webinar_update_atom, std::string by, std::string patch);
  static std::string reply_to(webinar_delete_atom, std::string by);
  static std::string reply_to(webinar_register_atom, std::string user, bool on);
  static std::uint32_t reply_to(webinar_upload_atom, std::string by);
  static std::string reply_to(webinar_page_atom, std::string by, std::int64_t page);
  static void reply_to(slide_progress_atom, std::uint32_t upload, std::uint32_t rendered,
                       std::uint32_t pages);
  static void reply_to(slide_done_atom, std::uint32_t upload, std::uint32_t pages,
                       std::string node);
  static void reply_to(slide_failed_atom, std::uint32_t upload, std::string reason);
};

void add_webinar_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
