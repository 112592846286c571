// The orgs read model (docs/organisations.md): who is in which org with which role, which
// channels each org holds, pending invitations by invitee, and a row per org for the public
// listing and search. Fed by the org.* events of streams "org/<slug>"; the org/<slug> entity
// stays the authority on every rule (routes never decide a permission from these rows).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class orgs_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "orgs";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// orgs.of_channel {"channel"} -> [{"org"}]
nlohmann::json orgs_of_channel(storage::sqlite::database& db, const nlohmann::json& args,
                               const owns_fn& owns);
/// orgs.of_user {"user"} -> [{"org","role","name"}] (at most orgs_per_user_max + 1 rows)
nlohmann::json orgs_of_user(storage::sqlite::database& db, const nlohmann::json& args,
                            const owns_fn& owns);

/// orgs.list {"q"?,"limit","offset"} -> [{"slug","name","display_name","description","members",
/// "channels","primary","accent","logo"}] by name; "q" matches name or display name (substring,
/// case-insensitive for ASCII).
inline constexpr std::string_view orgs_list_query = "orgs.list";
nlohmann::json orgs_list(storage::sqlite::database& db, const nlohmann::json& args,
                         const owns_fn& owns);

/// orgs.invitations_of {"user","now_ms"} -> [{"org","name","role","by","expires_at_ms"}], the
/// invitations still pending at now_ms, newest first.
inline constexpr std::string_view orgs_invitations_query = "orgs.invitations_of";
nlohmann::json orgs_invitations_of(storage::sqlite::database& db, const nlohmann::json& args,
                                   const owns_fn& owns);

}  // namespace aethex::actors
