// The audio domain (docs/music.md, "Stream metadata and audio analysis"): audio/<channel>, the
// live session's audio analysis for the owner's summary and every node's WebSocket viewers. Its
// messages carry only built-in types; no console adapter (nothing in it outlives the stream).
#include "actors/audio/audio.hpp"
#include "actors/audio/internal.hpp"

namespace aethex::actors {
namespace {

class audio_domain final : public domain_module {
 public:
  std::string_view name() const override { return "audio"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env&) const override {
    add_audio_kind(kinds);
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_audio_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> audio_module() { return std::make_unique<audio_domain>(); }

}  // namespace aethex::actors
