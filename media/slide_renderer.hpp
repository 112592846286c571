// The node's slide renderer: the service a webinar's PDF upload is handed to (service_names::
// slide_renderer, actors/webinars/webinars.hpp). It checks that poppler opens the PDF (so the
// upload is answered 4xx at once when not), keeps the PDF and renders every page to a PNG 1280
// px wide on one worker thread of its own (never an actor thread), and reports progress and the
// result to webinar/<id>. Files: <data>/webinars/<id>/<upload>/slides.pdf and <page>.png.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::media {

/// Messages (actors/webinars/webinars.hpp): (slide_render_atom, webinar, upload, PDF bytes) ->
/// page count; (slide_image_atom, webinar, upload, page) -> PNG bytes; and, from another member
/// through this node's services, (publish_atom, topic, {"image": {"webinar","upload","page"}})
/// -> PNG bytes (so every member serves every page). At most `max_pending`
/// documents wait for the worker; more are refused as unavailable ("busy").
caf::actor spawn_slide_renderer(caf::actor_system& sys, caf::actor registry,
                                std::filesystem::path data_dir, std::string node_id,
                                std::size_t max_pending = 4);

/// One page of `pdf` as PNG bytes `width_px` wide ("" when poppler cannot render it): the
/// renderer's own step, for tests.
std::string render_pdf_page_png(const std::string& pdf, int page_index, int width_px);

}  // namespace aethex::media
