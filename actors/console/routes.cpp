// POST /api/v1/admin/console {"argv": ["ask", "channel/alice", "status"]}
//   -> 200 {"ok": true, "result": …} | error status with {"error": {"code", "message"}}
#include "actors/console/console_service.hpp"
#include "actors/console/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

constexpr std::size_t max_words = 256;
// Commands that read many events take a while; the console's own limit is longer than an
// entity's.
constexpr auto console_timeout = std::chrono::seconds(30);

void run_console_command(const node_env& env, route_request&& req, route_reply reply) {
  auto console = env.services->find(service_names::console);
  if (!console)
    return reply(make_error(errc::unavailable, "console is not running"));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto argv = body->find("argv");
  if (argv == body->end() || !argv->is_array() || argv->empty() || argv->size() > max_words)
    return reply(make_error(errc::invalid_argument,
                            "field 'argv' must be a non-empty array of at most 256 strings"));
  std::vector<std::string> words;
  for (auto& word : *argv) {
    if (!word.is_string())
      return reply(make_error(errc::invalid_argument, "every element of 'argv' must be a string"));
    words.push_back(word.get<std::string>());
  }
  env.sys->spawn([console, words = std::move(words),
                  reply = std::move(reply)](caf::event_based_actor* self) mutable {
    self->request(console, console_timeout, console_atom::value, std::move(words))
      .then(
        [reply](std::string& text) {
          reply(route_response{200, R"({"ok":true,"result":)" + text + "}"});
        },
        [reply](caf::error& err) { reply(std::move(err)); });
  });
}

}  // namespace

void add_console_routes(route_table& routes, const node_env& env) {
  routes.add(
    http_method::post, "admin/console", access::admin,
    [env](route_request&& req, route_reply reply) {
      run_console_command(env, std::move(req), std::move(reply));
    },
    "run one console command {argv: [words]}");
}

}  // namespace aethex::actors
