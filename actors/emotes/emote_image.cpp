// emote_image/<channel>.<id>: one emote image's bytes, stored once (base64 in the event, as the
// journal holds text), served until the emote that uses it is deleted or taken down.
#include <sodium.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/emotes/emotes.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::string from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    throw json::other_error::create(501, "emote image: invalid base64", nullptr);
  out.resize(length);
  return out;
}

namespace ev {
struct stored {
  static constexpr std::string_view type = "emote_image.stored";
  static constexpr std::uint32_t schema = 1;
  std::string format;
  std::string bytes;  // base64 in the payload
};
void to_json(json& j, const stored& e) {
  j = json{{"format", e.format}, {"data", to_base64(e.bytes)}};
}
void from_json(const json& j, stored& e) {
  e.format = j.at("format").get<std::string>();
  e.bytes = from_base64(j.at("data").get<std::string>());
}
struct erased {
  static constexpr std::string_view type = "emote_image.erased";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const erased&) { j = json::object(); }
void from_json(const json&, erased&) {}
}  // namespace ev

struct image_state {
  static constexpr std::string_view kind = "emote_image";
  static inline const char* name = "emote_image";
  using events = event_list<ev::stored, ev::erased>;
  std::string format;  // empty: none (never stored, or erased)
  std::string bytes;

  void apply(const ev::stored& e, const event_meta&) {
    format = e.format;
    bytes = e.bytes;
  }
  void apply(const ev::erased&, const event_meta&) {
    format.clear();
    bytes.clear();
    bytes.shrink_to_fit();
  }
};

using image_actor = caf::stateful_actor<event_sourced<image_state>>;

caf::behavior image_behavior(image_actor* self, caf::actor registry, storage::event_store* store,
                             std::string id, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, id, {registry, clock}))
    return self->state.refuse(self, err);
  return {
    [self](emote_store_atom, const std::string& format,
           const std::string& bytes) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.format == format && st.bytes == bytes)
        return std::string{"stored"};
      // The id is the bytes' hash: other bytes under this id are a caller's mistake.
      if (emote_image_id(bytes) != st.id().substr(st.id().rfind('.') + 1))
        return make_error(errc::invalid_argument, "the image does not match its id");
      if (auto err = st.emit(ev::stored{format, bytes}))
        return err;
      return std::string{"stored"};
    },
    [self](emote_image_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.format.empty())
        return st.answer_read(self, make_error(errc::not_found, "no such emote image"));
      st.touch();
      return st.format + "\n" + st.bytes;
    },
    [self](emote_erase_atom) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.format.empty())
        if (auto err = st.emit(ev::erased{}))
          return err;
      return std::string{"erased"};
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

std::string emote_image_id(std::string_view bytes) {
  return runtime::token_digest(bytes).substr(0, 16);
}

std::string emote_image_entity(std::string_view channel, std::string_view id) {
  return std::string{channel} + "." + std::string{id};
}

std::string emote_url(std::string_view channel, std::string_view id) {
  return "/api/v1/emotes/" + std::string{channel} + "/" + std::string{id};
}

std::string org_emote_set(std::string_view slug) { return "org-" + std::string{slug}; }

std::string_view org_of_emote_set(std::string_view set) {
  return set.starts_with("org-") ? set.substr(4) : std::string_view{};
}

void add_emote_image_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                          const runtime::clock& clock) {
  kinds.factories["emote_image"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& id) {
      return sys.spawn(image_behavior, registry, &store, id, &clock);
    };
}

}  // namespace aethex::actors
