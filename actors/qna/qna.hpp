// qna/<webinar id>: a webinar's moderated questions — submit, upvote (one vote per user),
// moderation (pending → approved | hidden), one question on screen, answered with its time.
// Contract: docs/webinars.md, section Q&A.
//
// Who may ask and who moderates comes from the webinar (webinar_access_atom on webinar/<id>),
// asked by this entity and kept per principal for a short while (bounded). Live frames
// {"type":"qa","webinar","question"} go through the channel's chat room (chat_relay_atom) for
// approved and answered questions only; a pending question never leaves the entity except in
// the answer to its author and to moderators (see docs/webinars.md for the frames).
#pragma once

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

/// (qna_list_atom) -> JSON array of every question (all statuses, "voted": false), oldest
/// first: the webinar's recording chapters and Q&A.
using qna_list_atom = caf::atom_constant<caf::atom("qnalist")>;
using qna_get_atom = caf::atom_constant<caf::atom("qnaget")>;
using qna_ask_atom = caf::atom_constant<caf::atom("qnaask")>;
using qna_vote_atom = caf::atom_constant<caf::atom("qnavote")>;
using qna_mod_atom = caf::atom_constant<caf::atom("qnamod")>;
using qna_settings_atom = caf::atom_constant<caf::atom("qnaset")>;
using qna_export_atom = caf::atom_constant<caf::atom("qnaexport")>;

/// Protocol of qna/<webinar id>. Answers are JSON text (docs/webinars.md, Q&A); refusals are
/// domain errors: not_found (no such webinar, no such question), forbidden (may not ask or
/// moderate), invalid_argument (text, action), conflict (limits: 5 open per user, 2 000 per
/// webinar).
///  (qna_list_atom)                           -> [Question…] every question, oldest first
///  (qna_get_atom, who, sort "votes"|"time")  -> {"webinar","moderation","can":{ask,moderate},
///                                               "questions":[…]} what `who` may see, with the
///                                               caller's "voted"
///  (qna_ask_atom, who, text)                 -> Question (pending with moderation on)
///  (qna_vote_atom, who, id, up)              -> Question with "voted"
///  (qna_mod_atom, who, id, action)           -> Question; action approve | hide | on_screen |
///                                               off_screen | answered
///  (qna_settings_atom, who, moderation)      -> {"moderation": bool} (moderators)
///  (qna_export_atom, who)                    -> [Question…] every question (moderators)
///  (get_atom)                                -> summary for the console
struct qna_protocol {
  static constexpr std::string_view kind = "qna";
  static std::string reply_to(qna_list_atom);
  static std::string reply_to(qna_get_atom, runtime::principal who, std::string sort);
  static std::string reply_to(qna_ask_atom, runtime::principal who, std::string text);
  static std::string reply_to(qna_vote_atom, runtime::principal who, std::int64_t id, bool up);
  static std::string reply_to(qna_mod_atom, runtime::principal who, std::int64_t id,
                              std::string action);
  static std::string reply_to(qna_settings_atom, runtime::principal who, bool moderation);
  static std::string reply_to(qna_export_atom, runtime::principal who);
  static std::string reply_to(get_atom);
};

void add_qna_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
