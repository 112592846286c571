// Read model of the social graph: who follows which channel since when, for follower counts and
// lists. Fed by follow.started / follow.stopped of streams "follows/<user>".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "storage/read_model.hpp"

namespace aethex::actors {

class follows_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "follows";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;

  /// Followers of `channel` among users `owns` accepts (each member counts its own partitions).
  static std::uint64_t followers(storage::sqlite::database& db, std::string_view channel,
                                 const std::function<bool(std::string_view user)>& owns);
};

}  // namespace aethex::actors
