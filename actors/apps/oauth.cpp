// The pure parts of OAuth: scopes, PKCE (RFC 7636), token shapes, form bodies, redirect URIs.
#include <sodium.h>

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"
#include "actors/core/route.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

const std::vector<std::string>& known_scopes() {
  static const std::vector<std::string> scopes = [] {
    std::vector<std::string> names;
    for (const auto& scope : oauth_scopes())
      names.emplace_back(scope.name);
    return names;
  }();
  return scopes;
}

std::optional<std::vector<std::string>> parse_scopes(std::string_view text) {
  std::vector<std::string> scopes;
  const auto& known = known_scopes();
  while (!text.empty()) {
    auto space = text.find(' ');
    auto word = text.substr(0, space);
    if (word.empty())
      return std::nullopt;  // doubled or edge spaces
    if (std::find(known.begin(), known.end(), word) == known.end())
      return std::nullopt;
    scopes.emplace_back(word);
    if (space == std::string_view::npos)
      break;
    text = text.substr(space + 1);
    if (text.empty())
      return std::nullopt;
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

caf::expected<runtime::principal> principal_of_inspection(const std::string& answer,
                                                          const std::string& client_id) {
  auto j = nlohmann::json::parse(answer, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.value("active", false) ||
      j.value("kind", "") != "access")
    return make_error(errc::unauthorized, "invalid or expired token");
  auto scopes = parse_scopes(j.value("scope", "")).value_or(std::vector<std::string>{});
  auto user = j.value("username", "");
  if (user.empty())
    return runtime::principal::app(client_id, std::move(scopes));
  return runtime::principal::delegated_user(std::move(user), client_id, std::move(scopes));
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string base64url_sha256(std::string_view text) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::array<char, sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
    encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), hash.data(), hash.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string{encoded.data()};
}

bool pkce_s256_matches(std::string_view verifier, std::string_view challenge) {
  if (verifier.size() < 43 || verifier.size() > 128 ||
      !std::all_of(verifier.begin(), verifier.end(), is_url_unreserved))
    return false;
  return runtime::constant_time_equal(base64url_sha256(verifier), challenge);
}

bool valid_client_id(std::string_view id) { return id.size() == 24 && is_lower_hex(id); }

std::optional<std::string> client_of_token(std::string_view token, bool refresh) {
  std::string_view prefix = refresh ? "aexr_" : "aexa_";
  // prefix (5) + client id (24) + '_' + 64 hex
  if (token.size() != 5 + 24 + 1 + 64 || token.substr(0, 5) != prefix || token[29] != '_')
    return std::nullopt;
  auto client = token.substr(5, 24);
  if (!valid_client_id(client) || !is_lower_hex(token.substr(30)))
    return std::nullopt;
  return std::string{client};
}

std::string new_app_token(std::string_view client_id, bool refresh) {
  return std::string{refresh ? "aexr_" : "aexa_"} + std::string{client_id} + "_" +
         runtime::random_hex(32);
}

std::string new_client_secret() { return "aexs_" + runtime::random_hex(32); }

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body,
                                                                           std::size_t max_pairs) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto part = body.substr(0, amp);
    if (!part.empty()) {
      if (pairs.size() >= max_pairs)
        return std::nullopt;
      auto eq = part.find('=');
      auto name = form_decode(part.substr(0, eq));
      auto value = form_decode(eq == std::string_view::npos ? std::string_view{}
                                                            : part.substr(eq + 1));
      if (!name || !value)
        return std::nullopt;
      pairs.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos)
      break;
    body = body.substr(amp + 1);
  }
  return pairs;
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header) {
  constexpr std::string_view prefix = "Basic ";
  if (!header.starts_with(prefix) || header.size() > 2048)
    return std::nullopt;
  auto encoded = header.substr(prefix.size());
  std::string raw(encoded.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), encoded.data(),
                        encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  raw.resize(length);
  auto colon = raw.find(':');
  if (colon == std::string::npos)
    return std::nullopt;
  auto id = form_decode(std::string_view{raw}.substr(0, colon));
  auto secret = form_decode(std::string_view{raw}.substr(colon + 1));
  if (!id || !secret)
    return std::nullopt;
  return std::pair{std::move(*id), std::move(*secret)};
}

bool valid_redirect_uri(std::string_view uri) {
  if (uri.empty() || uri.size() > apps_limits::redirect_uri_max ||
      uri.find('#') != std::string_view::npos)
    return false;
  if (std::any_of(uri.begin(), uri.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return b <= 0x20 || b >= 0x7f;
      }))
    return false;
  std::string_view rest;
  if (uri.starts_with("https://")) {
    rest = uri.substr(8);
  } else if (uri.starts_with("http://")) {
    rest = uri.substr(7);
    auto host_end = rest.find_first_of("/?");
    auto authority = rest.substr(0, host_end);
    // Plain http only where nothing leaves the machine (RFC 8252 §7.3).
    auto host = authority.substr(0, authority.rfind(':'));
    if (authority.starts_with("[::1]"))
      host = "[::1]";
    if (host != "127.0.0.1" && host != "localhost" && host != "[::1]")
      return false;
  } else {
    return false;
  }
  auto host_end = rest.find_first_of("/?");
  return host_end != 0 && !rest.empty();
}

}  // namespace aethex::actors
