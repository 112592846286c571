#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

namespace aethex::actors::esports::detail {

bracket compute_round_robin(const bracket_options&, std::span<const std::string>, const result_map&,
                   std::set<std::string>&) {
  return {};
}

}  // namespace aethex::actors::esports::detail
