// The music domain (docs/music.md): music/<channel> (library, queue, now playing, the last
// plays), music_art/<channel>.<track> (artwork), the read model of every play (VOD chapters),
// its routes and console adapter. Its messages carry only built-in types. Ingest metadata,
// audio analysis and Spotify reach the entity through music.hpp.
#include "actors/music/internal.hpp"
#include "actors/music/music.hpp"
#include "actors/music/plays_projection.hpp"

namespace aethex::actors {
namespace {

class music_domain final : public domain_module {
 public:
  std::string_view name() const override { return "music"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_music_kinds(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<music_plays_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{music_plays_query}] = music_plays;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(music_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_music_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> music_module() { return std::make_unique<music_domain>(); }

}  // namespace aethex::actors
