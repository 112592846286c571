// emotes/<channel>: a channel's custom emotes (metadata only), and emote_image/<channel>.<id>:
// one emote's image bytes. Contract: docs/emotes.md.
//
// Events: emotes.added {"code","id","format","width","height","bytes","frames","by"},
// emotes.deleted {"code","by"}, emotes.taken_down {"code","id","reason"} (the id stays barred);
// emote_image.stored {"format","data": base64}, emote_image.erased {}.
//
// An org's set is emotes/org-<slug> (org_emote_set); it tells no room itself.
//
// Adding stores the image first (asks emote_image/<channel>.<id>, answered once durable), then
// appends emotes.added: a listed emote always has its image. Every change tells the channel's
// chat room the codes (for emote-only mode and AutoMod) and sends viewers the whole list as the
// frame {"type":"emotes","emotes":[…]}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using emote_list_atom = caf::atom_constant<caf::atom("emotelist")>;
using emote_add_atom = caf::atom_constant<caf::atom("emoteadd")>;
using emote_delete_atom = caf::atom_constant<caf::atom("emotedel")>;
using emote_takedown_atom = caf::atom_constant<caf::atom("emotedown")>;
using emote_store_atom = caf::atom_constant<caf::atom("emotestore")>;
using emote_image_atom = caf::atom_constant<caf::atom("emoteimage")>;
using emote_erase_atom = caf::atom_constant<caf::atom("emoteerase")>;
using emote_tier_atom = caf::atom_constant<caf::atom("emotetier")>;

/// Twitch's sizes where they fit: emotes are shown at 28 px and up to 4x on dense screens.
struct emote_limits {
  static constexpr std::size_t max_emotes = 50;
  static constexpr std::size_t max_total_bytes = 4u << 20;
  static constexpr std::size_t png_max_bytes = 256u << 10;
  static constexpr std::size_t gif_max_bytes = 512u << 10;
  static constexpr std::uint32_t min_side = 28;
  static constexpr std::uint32_t max_side = 112;
  static constexpr std::uint32_t max_frames = 60;
  static constexpr std::size_t min_code = 3;
  static constexpr std::size_t max_code = 25;
  static constexpr std::size_t max_reason = 200;
};

/// 3–25 of A–Z a–z 0–9 _ (the shape only; built-in names and AutoMod are checked on add).
bool valid_emote_code(std::string_view code);

/// Protocol of emotes/<channel>; JSON answers (docs/emotes.md). The caller checked who asks.
///  (emote_list_atom)                          -> {"emotes":[emote…],"limits":{…}}
///  (emote_add_atom, code, image bytes, by)    -> emote, once durable | invalid_argument |
///                                                unsupported_media_type | payload_too_large |
///                                                conflict (code taken, channel full, barred)
///  (emote_delete_atom, code, by)              -> {"deleted": code} | not_found
///  (emote_takedown_atom, code, reason)        -> {"deleted": code} | not_found
///  (emote_tier_atom, code, tier, by)          -> emote | not_found | invalid_argument: tier 0
///                                                everyone, 1-3 subscribers of that tier and up
struct emotes_protocol {
  static constexpr std::string_view kind = "emotes";
  static std::string reply_to(emote_list_atom);
  static std::string reply_to(emote_add_atom, std::string code, std::string image, std::string by);
  static std::string reply_to(emote_delete_atom, std::string code, std::string by);
  static std::string reply_to(emote_takedown_atom, std::string code, std::string reason);
  static std::string reply_to(emote_tier_atom, std::string code, std::int32_t tier, std::string by);
};

/// Protocol of emote_image/<channel>.<id>:
///  (emote_store_atom, format, bytes)  -> "stored" once durable (the same again is a no-op)
///  (emote_image_atom)                 -> "png\n" or "gif\n", then the bytes | not_found
///  (emote_erase_atom)                 -> "erased" (no reply needed): a deleted or taken-down
///                                        emote's image stops being served
struct emote_image_protocol {
  static constexpr std::string_view kind = "emote_image";
  static std::string reply_to(emote_store_atom, std::string format, std::string bytes);
  static std::string reply_to(emote_image_atom);
  static std::string reply_to(emote_erase_atom);
};

/// The id of an image: the first 16 hex digits of its SHA-256.
std::string emote_image_id(std::string_view bytes);
/// The entity id of an image of a channel: "<channel>.<id>".
std::string emote_image_entity(std::string_view channel, std::string_view id);
/// Where clients fetch an image: "/api/v1/emotes/<channel>/<id>".
std::string emote_url(std::string_view channel, std::string_view id);

/// An org's shared emote set is emotes/org-<slug> (docs/organisations.md, "Shared emotes"):
/// the same rules and images as a channel's, under an id no channel name can take (channel
/// names have no '-'). Its changes reach rooms through orgstreams/<slug>, not announce().
std::string org_emote_set(std::string_view slug);
/// The slug of an org set's id, or "" when `set` is a channel's.
std::string_view org_of_emote_set(std::string_view set);

void add_emote_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
