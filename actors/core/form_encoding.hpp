// application/x-www-form-urlencoded and URL escapes, for the OAuth exchanges the node answers
// (actors/apps) and the ones it makes (Spotify): one reading of %XX and '+' for both.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aethex::actors {

/// RFC 3986 §2.3 unreserved: ALPHA, DIGIT, '-', '.', '_', '~'.
bool is_url_unreserved(char c);
/// Unreserved characters kept, every other byte as %XX (upper-case hex).
std::string url_encode(std::string_view text);
/// "name=value&…", each side url_encode'd.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
/// %XX and '+' (a space) decoded; nullopt on a broken escape.
std::optional<std::string> form_decode(std::string_view text);

}  // namespace aethex::actors
