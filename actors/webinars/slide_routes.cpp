// Slides and recordings over REST (docs/webinars.md): the PDF upload handed to the node's slide
// renderer, the page images, the presenter's page, a VOD's slide timeline and a webinar's
// recording with its chapters. Presenters and managers present; who may watch is the entity's
// webinar_access_atom answer.
#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/qna/qna.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_access.hpp"
#include "actors/vod/vod_files.hpp"
#include "actors/vod/vod_read_model.hpp"
#include "actors/webinars/internal.hpp"
#include "actors/webinars/webinars.hpp"
#include "actors/webinars/webinars_projection.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using webinar_ref = entity_ref<webinar_protocol>;

constexpr auto render_ask_timeout = std::chrono::seconds(60);
constexpr auto member_ask_timeout = std::chrono::seconds(10);
constexpr std::size_t recording_vods_max = 100;

caf::error webinar_gone() { return make_error(errc::not_found, "webinar not found"); }

// A request to a node-local service (not an entity): the same short-lived asker as entity_ref.
template <class Reply, class... Ts>
void ask_service(const node_env& env, std::string_view service,
                 std::function<void(caf::expected<Reply>)> done, Ts... command) {
  auto actor = env.services->find(service);
  if (!actor)
    return done(make_error(errc::unavailable, "the slide renderer is not running on this node"));
  env.sys->spawn([actor, done, command...](caf::event_based_actor* self) {
    self->request(actor, render_ask_timeout, command...)
      .then([done](Reply& reply) { done(std::move(reply)); },
            [done](caf::error& err) { done(std::move(err)); });
  });
}

// A page's PNG from the member that rendered the deck (`node`, from webinar.slides_rendered):
// this node's renderer, or the other member's, asked through that member's node services (a
// request on the renderer's topic, which they hand to the renderer as the console's requests),
// so every member serves every page. Alone, or the deck rendered here: the local renderer.
void fetch_slide_png(const node_env& env, const std::string& node, const std::string& id,
                     std::uint32_t upload, std::uint32_t page,
                     std::function<void(caf::expected<std::string>)> done) {
  if (!env.membership || node.empty() || node == env.node_id)
    return ask_service<std::string>(env, service_names::slide_renderer, done,
                                    slide_image_atom::value, id, upload, page);
  auto payload = json{{"image", {{"webinar", id}, {"upload", upload}, {"page", page}}}}.dump();
  env.sys->spawn([membership = env.membership, node, payload, done](caf::event_based_actor* self) {
    self->request(membership, member_ask_timeout, get_atom::value)
      .then(
        [self, node, payload, done](const runtime::cluster_view& view) {
          const auto* member = view.find(node);
          if (!member || !member->services)
            return done(make_error(errc::unavailable,
                                   "the member that rendered the slides is not reachable"));
          self
            ->request(member->services, member_ask_timeout, publish_atom::value,
                      std::string{service_names::slide_renderer}, payload)
            .then([done](std::string& png) { done(std::move(png)); },
                  [done](caf::error& err) { done(std::move(err)); });
        },
        [done](caf::error& err) { done(std::move(err)); });
  });
}

// Runs `then(webinar, can)` for webinar `id` once the caller's rights are known (an org role
// that makes the caller a manager counts, as in GET webinars/{id}).
void with_rights(const node_env& env, const std::string& id, const runtime::principal& who,
                 route_reply reply, std::function<void(json, json)> then) {
  if (!valid_webinar_id(id))
    return reply(webinar_gone());
  webinar_ref{env.registry, id}
    .ask(webinar_get_atom::value)
    .then(*env.sys, [env, id, who, reply, then](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      webinar_ref{env.registry, id}
        .ask(webinar_access_atom::value, who)
        .then(*env.sys,
              [env, who, reply, then, w = json::parse(*text)](caf::expected<std::string> can) {
                if (!can)
                  return reply(can.error());
                auto access = json::parse(*can);
                if (access.value("present", false) || !who.is_user())
                  return then(w, access);
                webinar_manager(env, who, w.value("channel", ""),
                                [then, w, access](bool manager) mutable {
                                  if (manager)
                                    access = json{{"watch", true},    {"ask", true},
                                                  {"moderate", true}, {"present", true},
                                                  {"manage", true},   {"registered", false}};
                                  then(w, access);
                                });
              });
    });
}

caf::error not_presenter() {
  return make_error(errc::forbidden, "only the webinar's presenters and managers may do this");
}

void upload_slides(const node_env& env, route_request&& req, route_reply reply) {
  auto id = req.param("id");
  if (req.body.size() > webinar_limits::pdf_max_bytes)
    return reply(make_error(errc::payload_too_large, "the PDF may be at most 50 MiB"));
  if (!req.body.starts_with("%PDF-"))
    return reply(make_error(errc::unsupported_media_type, "the slides must be a PDF"));
  auto by = req.who.display();
  with_rights(env, id, req.who, reply,
              [env, id, by, reply, pdf = std::make_shared<std::string>(std::move(req.body))](
                const json&, const json& can) {
                if (!can.value("present", false))
                  return reply(not_presenter());
                webinar_ref{env.registry, id}
                  .ask(webinar_upload_atom::value, by)
                  .then(*env.sys, [env, id, reply, pdf](caf::expected<std::uint32_t> upload) {
                    if (!upload)
                      return reply(upload.error());
                    std::function<void(caf::expected<std::uint32_t>)> done =
                      [env, id, reply, n = *upload](caf::expected<std::uint32_t> pages) {
                        if (!pages) {
                          webinar_ref{env.registry, id}.tell(slide_failed_atom::value, n,
                                                             message_of(pages.error()));
                          return reply(pages.error());
                        }
                        env.read_models_changed();
                        reply(route_response::json(
                          202, json{{"upload", n}, {"pages", *pages}, {"rendering", true}}));
                      };
                    ask_service<std::uint32_t>(env, service_names::slide_renderer, done,
                                               slide_render_atom::value, id, *upload, *pdf);
                  });
              });
}

void slide_image(const node_env& env, route_request&& req, route_reply reply) {
  auto id = req.param("id");
  auto name = req.param("page");
  if (!name.ends_with(".png"))
    return reply(make_error(errc::not_found, "slide not found"));
  name.resize(name.size() - 4);
  std::uint32_t page = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || page > webinar_limits::pages_max)
      return reply(make_error(errc::not_found, "slide not found"));
    page = page * 10 + static_cast<std::uint32_t>(c - '0');
  }
  with_rights(env, id, req.who, reply, [env, id, page, reply](const json& w, const json& can) {
    if (!can.value("watch", false))
      return reply(make_error(errc::forbidden, "only registered viewers may see the slides"));
    const auto& slides = w["slides"];
    if (!slides.is_object() || page < 1 || page > slides.value("rendered", 0u))
      return reply(make_error(errc::not_found, "slide not rendered"));
    std::function<void(caf::expected<std::string>)> done = [reply](caf::expected<std::string> png) {
      if (!png)
        return reply(png.error());
      route_response r{200, std::move(*png), "image/png"};
      r.cache_control = "private, max-age=300";
      reply(std::move(r));
    };
    fetch_slide_png(env, slides.value("node", ""), id, slides.value("upload", 0u), page, done);
  });
}

void set_page(const node_env& env, route_request&& req, route_reply reply) {
  auto id = req.param("id");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"page"}))
    return reply(err);
  auto it = body->find("page");
  if (it == body->end() || !it->is_number_integer())
    return reply(make_error(errc::invalid_argument, "'page' must be a whole number"));
  auto page = it->get<std::int64_t>();
  auto by = req.who.display();
  with_rights(env, id, req.who, reply, [env, id, page, by, reply](const json&, const json& can) {
    if (!can.value("present", false))
      return reply(not_presenter());
    webinar_ref{env.registry, id}
      .ask(webinar_page_atom::value, by, page)
      .then(*env.sys, pass_written_json_text(env, reply));
  });
}

// The slide changes of the VOD's channel while it recorded, as offsets from its start; the page
// shown when the recording began is its first entry, at 0.
void answer_vod_slides(const node_env& env, const vod_view& v, route_reply reply) {
  auto end_ms = v.state == "ready" ? v.started_at_ms + v.duration_ms : env.clock->now_ms();
  env.query(std::string{webinar_slides_query},
            json{{"channel", v.channel}, {"from_ms", v.started_at_ms}, {"to_ms", end_ms}},
            [reply, start = v.started_at_ms](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::stable_sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("at_ms", 0) < b.value("at_ms", 0);
              });
              json slides = json::array();
              for (auto& row : *rows)
                slides.push_back(json{
                  {"at_ms", std::max<std::int64_t>(0, row.value("at_ms", std::int64_t{0}) - start)},
                  {"page", row.value("page", 1)},
                  {"webinar", row.value("webinar", "")}});
              reply(route_response::json(200, json{{"slides", std::move(slides)}}));
            });
}

// Who may see the timeline is who may see the VOD (a hidden VOD is a 404, as GET vods/{id}).
void vod_slides(const node_env& env, route_request&& req, route_reply reply) {
  with_visible_vod(env, req.who, req.param("id"), false, reply,
                   [env, reply](const vod_view& v, const vod_relation&) {
                     answer_vod_slides(env, v, reply);
                   });
}

// A VOD of the recording: its links signed for this caller when it is not public (the caller
// was checked against the webinar's attendee list).
json recording_vod(const node_env& env, const json& row, bool lock) {
  auto id = row.value("id", "");
  auto privacy = lock ? std::string{vod_privacy::owner_only} : row.value("privacy", "public");
  auto files = "/vod/" + id + "/";
  auto query = privacy == vod_privacy::everyone
                 ? std::string{}
                 : "?" + vod_files::signed_query(env.admin_token_digest, id,
                                                 env.clock->now_ms() + vod_files::link_lifetime_ms);
  return json{{"id", id},
              {"channel", row.value("channel", "")},
              {"title", row.value("title", "")},
              {"started_at_ms", row.value("started_at_ms", std::int64_t{0})},
              {"duration_ms", row.value("duration_ms", std::int64_t{0})},
              {"state", row.value("state", "")},
              {"privacy", privacy},
              {"hls", files + std::string{vod_files::playlist} + query},
              {"poster", files + std::string{vod_files::poster} + query}};
}

json recording_chapters(const std::vector<json>& slides, const json& questions,
                        std::int64_t start) {
  json chapters = json::array();
  std::int64_t last_page = -1;
  for (const auto& s : slides) {
    auto page = s.value("page", std::int64_t{1});
    if (page == last_page)
      continue;
    last_page = page;
    chapters.push_back(json{
      {"at_ms", std::max<std::int64_t>(0, s.value("at_ms", std::int64_t{0}) - start)},
      {"title", "Slide " + std::to_string(page)},
      {"kind", "slide"},
      {"page", page}});
  }
  for (const auto& q : questions) {
    if (!q.is_object() || q.value("status", "") != "answered" || !q["answered_at_ms"].is_number())
      continue;
    auto text = q.value("text", "");
    if (text.size() > 80)
      text = text.substr(0, 77) + "...";  // may cut a code point; the JSON dump replaces it
    chapters.push_back(json{
      {"at_ms", std::max<std::int64_t>(0, q["answered_at_ms"].get<std::int64_t>() - start)},
      {"title", "Q: " + text},
      {"kind", "question"},
      {"question", q.value("id", 0)}});
  }
  std::stable_sort(chapters.begin(), chapters.end(), [](const json& a, const json& b) {
    return a["at_ms"].get<std::int64_t>() < b["at_ms"].get<std::int64_t>();
  });
  return chapters;
}

// The VODs of the webinar's channel recorded in its window, chapters from its slide changes and
// answered questions, and its Q&A. With access "registered" the VODs are made private (the
// channel's owner still sees them) so that only the signed links given here play them.
void recording(const node_env& env, route_request&& req, route_reply reply) {
  auto id = req.param("id");
  with_rights(env, id, req.who, reply, [env, id, reply](const json& w, const json& can) {
    if (!can.value("watch", false))
      return reply(make_error(errc::forbidden,
                              "only registered attendees and managers may see the recording"));
    auto from = w.value("starts_at_ms", std::int64_t{0});
    auto to = from + w.value("duration_min", std::int64_t{0}) * 60'000;
    bool lock = w.value("access", "") == "registered";
    json privacies = json::array({vod_privacy::everyone, vod_privacy::followers,
                                  vod_privacy::subscribers, vod_privacy::owner_only});
    env.query(
      std::string{vod_queries::channel},
      json{{"channel", w.value("channel", "")},
           {"limit", recording_vods_max},
           {"privacies", privacies}},
      [env, id, reply, from, to, lock](caf::expected<std::vector<json>> rows) {
        if (!rows)
          return reply(rows.error());
        std::vector<json> vods;
        auto now = env.clock->now_ms();
        for (auto& row : *rows) {
          auto start = row.value("started_at_ms", std::int64_t{0});
          auto end = row.value("state", "") == "ready"
                       ? start + row.value("duration_ms", std::int64_t{0})
                       : now;
          if (start < to && end > from)
            vods.push_back(row);
        }
        std::sort(vods.begin(), vods.end(), [](const json& a, const json& b) {
          return a.value("started_at_ms", 0) < b.value("started_at_ms", 0);
        });
        json shown = json::array();
        for (auto& v : vods) {
          if (lock && v.value("privacy", "") != vod_privacy::owner_only)
            entity_ref<vod_protocol>{env.registry, v.value("id", "")}.tell(
              update_atom::value, runtime::principal::admin(),
              json{{"privacy", vod_privacy::owner_only}}.dump());
          shown.push_back(recording_vod(env, v, lock));
        }
        auto start = vods.empty() ? from : vods.front().value("started_at_ms", from);
        env.query(
          std::string{webinar_slides_query}, json{{"webinar", id}},
          [env, id, reply, shown, start](caf::expected<std::vector<json>> slides) {
            auto changes = slides ? *slides : std::vector<json>{};
            std::stable_sort(changes.begin(), changes.end(), [](const json& a, const json& b) {
              return a.value("at_ms", 0) < b.value("at_ms", 0);
            });
            entity_ref<qna_protocol>{env.registry, id}
              .ask(qna_list_atom::value)
              .then(*env.sys, [reply, shown, start, changes](caf::expected<std::string> list) {
                auto questions = list ? json::parse(*list, nullptr, false) : json::array();
                if (!questions.is_array())
                  questions = json::array();
                json qa = json::array();
                for (auto& q : questions)
                  if (q.is_object() &&
                      (q.value("status", "") == "answered" || q.value("status", "") == "approved"))
                    qa.push_back(q);
                reply(route_response::json(
                  200, json{{"vods", shown},
                            {"chapters", recording_chapters(changes, questions, start)},
                            {"qa", qa}}));
              });
          });
      });
  });
}

}  // namespace

void add_slide_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto& upload = routes.add(
    put, "webinars/{id}/slides", access::signed_in, with_env(env, upload_slides),
    "uploads the slides: a PDF body (at most 50 MiB, 300 pages), rendered to 1280 px "
    "PNG pages in the background (presenters, managers)");
  upload.scope = "channel:manage";
  upload.max_body_bytes = webinar_limits::pdf_max_bytes;
  routes.add(get, "webinars/{id}/slides/{page}", access::anyone,
             with_caller(env, with_env(env, slide_image)),
             "a rendered slide page as PNG: {page} is N.png, from 1 (who may watch)");
  routes
    .add(post, "webinars/{id}/slides/current", access::signed_in, with_env(env, set_page),
         "shows page {\"page\"} to every viewer: the room relays a slide frame (presenters)")
    .scope = "channel:manage";
  routes.add(get, "webinars/{id}/recording", access::anyone,
             with_caller(env, with_env(env, recording)),
             "the webinar's VODs with chapters from slides and answered questions, and its Q&A "
             "(attendees when access is registered)");
  routes.add(get, "vods/{id}/slides", access::anyone, with_caller(env, with_env(env, vod_slides)),
             "a VOD's slide timeline: the webinar slide changes while it recorded, from its start");
}

}  // namespace aethex::actors
