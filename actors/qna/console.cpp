// qna/<webinar> in the admin console: the summary, every question, and moderation as the admin
// (an operator takes a question off screen or hides it when nobody else can).
#include <charconv>

#include <caf/all.hpp>

#include "actors/qna/internal.hpp"
#include "actors/qna/qna.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using namespace console;

adapter qna_adapter() {
  adapter a;
  a.kind = "qna";
  a.summary = "a webinar's Q&A: questions, votes, moderation, the one on screen";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "Questions, pending, votes, moderation on/off, the question on screen.",
        "ask qna/0123456789ab get", message_of_args(get_atom::value), as_json);
  a.ask("list", {}, "Every question as JSON, oldest first.", "ask qna/0123456789ab list",
        message_of_args(qna_list_atom::value), as_json);
  a.send(
    "moderate", {{"id"}, {"action"}},
    "Acts on a question (as the admin, or --as USER): approve, hide, on_screen, "
    "off_screen, answered.",
    "send qna/0123456789ab moderate 3 hide",
    [](const invocation& inv) -> caf::expected<caf::message> {
      std::int64_t id = 0;
      const auto& text = inv.args.at(0);
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
      if (ec != std::errc{} || end != text.data() + text.size())
        return make_error(errc::invalid_argument, "id must be a number");
      return caf::make_message(qna_mod_atom::value, inv.as, id, inv.args.at(1));
    },
    as_json);
  return a;
}

}  // namespace aethex::actors
