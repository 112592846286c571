// Read model of certificates by user and by course, for GET me/certificates and GET
// courses/{id}/certificates. Fed by the certificate.* events of streams "certificate/<code>";
// the entity stays the authority (the public page asks it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class certificates_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "certificates";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// "certificates.of_user" ({"user"}) and "certificates.of_course" ({"course"}): rows {"code",
/// "course","title","user","display_name","issuer","issued_at_ms","revoked","reason"}, newest
/// first, at most certificate_limits::per_course_max.
inline constexpr std::string_view certificates_of_user_query = "certificates.of_user";
inline constexpr std::string_view certificates_of_course_query = "certificates.of_course";
nlohmann::json certificates_of_user(storage::sqlite::database& db, const nlohmann::json& args,
                                    const owns_fn& owns);
nlohmann::json certificates_of_course(storage::sqlite::database& db, const nlohmann::json& args,
                                      const owns_fn& owns);

}  // namespace aethex::actors
