#include "actors/orgs/orgs_projection.hpp"

#include <stdexcept>

#include "actors/core/read_model_support.hpp"
#include "actors/orgs/orgs.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view org_stream_prefix = "org/";

const storage::event_schema_registry& org_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type :
         {"org.created", "org.updated", "org.deleted", "org.invited", "org.invitation_closed",
          "org.member_set", "org.member_removed", "org.owner_changed", "org.channel_attached",
          "org.channel_detached", "org.branding_set", "org.logo_set", "org.logo_cleared",
          "org.domain_set", "notify.personal"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

void forget_org(storage::sqlite::database& db, const std::string& org) {
  for (const char* sql :
       {"DELETE FROM orgs WHERE slug = ?1", "DELETE FROM org_members WHERE org = ?1",
        "DELETE FROM org_channels WHERE org = ?1", "DELETE FROM org_invitations WHERE org = ?1"})
    db.prepare(sql).bind(1, org).run();
}

void set_member(storage::sqlite::database& db, const std::string& org, const std::string& user,
                const std::string& role) {
  db.prepare("INSERT OR REPLACE INTO org_members(org, user, role) VALUES(?1, ?2, ?3)")
    .bind(1, org)
    .bind(2, user)
    .bind(3, role)
    .run();
}

void set_column(storage::sqlite::database& db, const std::string& org, const char* column,
                const std::string& value) {
  db.prepare(std::string{"UPDATE orgs SET "} + column + " = ?2 WHERE slug = ?1")
    .bind(1, org)
    .bind(2, value)
    .run();
}

}  // namespace

void orgs_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS orgs(slug TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "display_name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', "
    "primary_colour TEXT NOT NULL DEFAULT '', accent_colour TEXT NOT NULL DEFAULT '', "
    "logo INTEGER NOT NULL DEFAULT 0, domain TEXT NOT NULL DEFAULT '')");
  db.exec(
    "CREATE TABLE IF NOT EXISTS org_members(org TEXT NOT NULL, user TEXT NOT NULL, "
    "role TEXT NOT NULL, PRIMARY KEY(org, user))");
  db.exec("CREATE INDEX IF NOT EXISTS org_members_by_user ON org_members(user)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS org_channels(org TEXT NOT NULL, channel TEXT NOT NULL, "
    "PRIMARY KEY(org, channel))");
  db.exec("CREATE INDEX IF NOT EXISTS org_channels_by_channel ON org_channels(channel)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS org_invitations(org TEXT NOT NULL, user TEXT NOT NULL, "
    "role TEXT NOT NULL, by TEXT NOT NULL, expires_at_ms INTEGER NOT NULL, "
    "PRIMARY KEY(org, user))");
  db.exec("CREATE INDEX IF NOT EXISTS org_invitations_by_user ON org_invitations(user)");
}

void orgs_projection::reset(storage::sqlite::database& db) {
  for (const char* table : {"orgs", "org_members", "org_channels", "org_invitations"})
    db.exec(std::string{"DELETE FROM "} + table);
}

void orgs_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(org_stream_prefix))
    return;
  if (auto problem = org_schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("orgs: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto org = e.stream.substr(org_stream_prefix.size());
  auto& db = tx.db();
  const auto& type = e.data.type;
  if (type == "org.created") {
    forget_org(db, org);
    db.prepare("INSERT INTO orgs(slug, name, description) VALUES(?1, ?2, ?3)")
      .bind(1, org)
      .bind(2, projected_text(body, "name", e, "orgs"))
      .bind(3, body.value("description", ""))
      .run();
    set_member(db, org, projected_text(body, "owner", e, "orgs"), std::string{org_role_owner});
  } else if (type == "org.updated" || type == "org.branding_set") {
    for (auto [key, column] :
         {std::pair{"name", "name"}, std::pair{"description", "description"},
          std::pair{"display_name", "display_name"}, std::pair{"primary", "primary_colour"},
          std::pair{"accent", "accent_colour"}})
      if (body.contains(key))
        set_column(db, org, column, projected_text(body, key, e, "orgs"));
  } else if (type == "org.deleted") {
    forget_org(db, org);
  } else if (type == "org.invited") {
    db.prepare(
        "INSERT OR REPLACE INTO org_invitations(org, user, role, by, expires_at_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5)")
      .bind(1, org)
      .bind(2, projected_text(body, "user", e, "orgs"))
      .bind(3, projected_text(body, "role", e, "orgs"))
      .bind(4, body.value("by", ""))
      .bind(5, body.value("expires_at_ms", std::int64_t{0}))
      .run();
  } else if (type == "org.invitation_closed") {
    db.prepare("DELETE FROM org_invitations WHERE org = ?1 AND user = ?2")
      .bind(1, org)
      .bind(2, projected_text(body, "user", e, "orgs"))
      .run();
  } else if (type == "org.member_set") {
    set_member(db, org, projected_text(body, "user", e, "orgs"),
               projected_text(body, "role", e, "orgs"));
  } else if (type == "org.member_removed") {
    db.prepare("DELETE FROM org_members WHERE org = ?1 AND user = ?2")
      .bind(1, org)
      .bind(2, projected_text(body, "user", e, "orgs"))
      .run();
  } else if (type == "org.owner_changed") {
    set_member(db, org, projected_text(body, "from", e, "orgs"), std::string{org_role_admin});
    set_member(db, org, projected_text(body, "to", e, "orgs"), std::string{org_role_owner});
  } else if (type == "org.channel_attached") {
    db.prepare("INSERT OR IGNORE INTO org_channels(org, channel) VALUES(?1, ?2)")
      .bind(1, org)
      .bind(2, projected_text(body, "channel", e, "orgs"))
      .run();
  } else if (type == "org.channel_detached") {
    db.prepare("DELETE FROM org_channels WHERE org = ?1 AND channel = ?2")
      .bind(1, org)
      .bind(2, projected_text(body, "channel", e, "orgs"))
      .run();
  } else if (type == "org.logo_set" || type == "org.logo_cleared") {
    db.prepare("UPDATE orgs SET logo = ?2 WHERE slug = ?1")
      .bind(1, org)
      .bind(2, std::int64_t{type == "org.logo_set" ? 1 : 0})
      .run();
  } else if (type == "org.domain_set") {
    set_column(db, org, "domain", body.value("domain", ""));
  }
  // notify.personal is the notify domain's.
}

std::optional<std::uint64_t> orgs_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM org_members) + "
    "(SELECT COUNT(*) FROM org_channels) + (SELECT COUNT(*) FROM org_invitations)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json orgs_of_channel(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  auto q = db.prepare("SELECT org FROM org_channels WHERE channel = ?1 ORDER BY org LIMIT 1000");
  q.bind(1, args.value("channel", std::string{}));
  while (q.step())
    if (auto org = q.column_text(0); owns("org", org))
      rows.push_back(json{{"org", org}});
  return rows;
}

json orgs_of_user(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  auto q = db.prepare(
    "SELECT m.org, m.role, o.name FROM org_members m JOIN orgs o ON o.slug = m.org "
    "WHERE m.user = ?1 ORDER BY m.org LIMIT ?2");
  q.bind(1, args.value("user", std::string{}))
    .bind(2, static_cast<std::int64_t>(org_limits::orgs_per_user_max + 1));
  while (q.step())
    if (auto org = q.column_text(0); owns("org", org))
      rows.push_back(json{{"org", org}, {"role", q.column_text(1)}, {"name", q.column_text(2)}});
  return rows;
}

json orgs_list(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  std::string pattern = "%";
  for (char c : args.value("q", std::string{})) {
    if (c == '%' || c == '_' || c == '\\')
      pattern += '\\';  // searched for as themselves
    pattern += c;
  }
  pattern += '%';
  auto q = db.prepare(
    "SELECT o.slug, o.name, o.display_name, o.description, o.primary_colour, o.accent_colour, "
    "o.logo, (SELECT COUNT(*) FROM org_members m WHERE m.org = o.slug), "
    "(SELECT COUNT(*) FROM org_channels c WHERE c.org = o.slug) FROM orgs o "
    "WHERE (o.name LIKE ?1 ESCAPE '\\' OR o.display_name LIKE ?1 ESCAPE '\\') "
    "AND (?4 = '' OR EXISTS (SELECT 1 FROM org_channels c WHERE c.org = o.slug AND "
    "c.channel = ?4)) ORDER BY o.name, o.slug LIMIT ?2 OFFSET ?3");
  q.bind(1, pattern)
    .bind(2, args.value("limit", std::int64_t{50}))
    .bind(3, args.value("offset", std::int64_t{0}))
    .bind(4, args.value("channel", std::string{}));
  while (q.step()) {
    auto slug = q.column_text(0);
    if (!owns("org", slug))
      continue;
    auto display = q.column_text(2);
    rows.push_back(json{{"slug", slug},
                        {"name", q.column_text(1)},
                        {"display_name", display.empty() ? q.column_text(1) : display},
                        {"description", q.column_text(3)},
                        {"primary", q.column_text(4)},
                        {"accent", q.column_text(5)},
                        {"logo", q.column_int64(6) != 0},
                        {"members", q.column_int64(7)},
                        {"channels", q.column_int64(8)}});
  }
  return rows;
}

json orgs_invitations_of(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  auto q = db.prepare(
    "SELECT i.org, o.name, i.role, i.by, i.expires_at_ms FROM org_invitations i "
    "JOIN orgs o ON o.slug = i.org WHERE i.user = ?1 AND i.expires_at_ms > ?2 "
    "ORDER BY i.expires_at_ms DESC, i.org LIMIT 200");
  q.bind(1, args.value("user", std::string{})).bind(2, args.value("now_ms", std::int64_t{0}));
  while (q.step())
    if (auto org = q.column_text(0); owns("org", org))
      rows.push_back(json{{"org", org},
                          {"name", q.column_text(1)},
                          {"role", q.column_text(2)},
                          {"by", q.column_text(3)},
                          {"expires_at_ms", q.column_int64(4)}});
  return rows;
}

}  // namespace aethex::actors
