// GET /api/v1/search?q=…: channels and categories ranked by how well they match.
//
// Why SQLite FTS5 rather than an in-memory index: channels live in each member's directory read
// model, and every member answers for the partitions it owns (like the directory page); an FTS5
// table beside the `channels` table is kept in the same projection transaction, survives
// restarts and partition moves with it, and its prefix index keeps a query sub-linear in the
// number of channels. An in-memory index would be one more copy per node to keep in step with
// the read model. FTS5 finds the candidates (every query token a prefix of some word of name,
// title, category or tags); search_score() ranks them, live channels first on equal scores.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/channel/channel_directory.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

inline constexpr std::size_t max_search_query = 100;  // characters of q, decoded
inline constexpr std::size_t max_search_tokens = 8;

/// `q` as the search sees it: lower-case ASCII, words of letters and digits (any other byte
/// separates words; bytes >= 0x80 stay, so UTF-8 words match as written).
std::vector<std::string> search_tokens(std::string_view q);
/// Which tokens of an FTS5 expression match as prefixes.
enum class prefix_mode { none, last, all };
/// The FTS5 expression of the tokens (each quoted, all required); "" for none.
std::string fts_expression(const std::vector<std::string>& tokens,
                           prefix_mode prefixes = prefix_mode::all);
/// Relevance of a channel for the query: whole-query matches of name, title and category, then
/// per token the best of exact word / prefix of the name, title, tags and category words, in
/// that order of weight. 0 when some token matches nothing.
int search_score(const channel_directory::match& m, std::string_view q,
                 const std::vector<std::string>& tokens);

/// "channel.search" {"q", "limit"}: per member, rows {"channel": row, "score"} of its owned
/// channels, best first, and {"category", "live_channels"} of categories matching q.
nlohmann::json search_query(storage::sqlite::database& db, const nlohmann::json& args,
                            const owns_fn& owns);

/// Registers GET search.
void add_search_route(route_table& routes, const node_env& env);

/// `text` with %XX and '+' decoded (a query string value); nullopt when malformed.
std::optional<std::string> decode_query_value(std::string_view text);

}  // namespace aethex::actors
