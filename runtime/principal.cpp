#include "runtime/principal.hpp"

#include <array>

namespace aethex::runtime {

std::string principal::display() const {
  switch (type) {
    case kind::user: return name;
    case kind::guest: return "guest:" + name;
    case kind::admin: return "admin";
    case kind::app: return "app:" + name;
    case kind::anonymous: break;
  }
  return {};
}

bool principal::allows(std::string_view scope) const {
  if (!is_delegated())
    return true;
  if (scope.empty())
    return false;
  for (const auto& granted : scopes)
    if (granted == scope)
      return true;
  return false;
}

namespace {

// Folds the tricks people use to make one name look like another: case, digits that read as
// letters, separators and repeated letters ("Addmin", "r00t", "sys_tem").
std::string skeleton(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    switch (c) {
      case '0': c = 'o'; break;
      case '1': c = 'i'; break;
      case '3': c = 'e'; break;
      case '4': c = 'a'; break;
      case '5': c = 's'; break;
      case '7': c = 't'; break;
      case '8': c = 'b'; break;
      case '9': c = 'g'; break;
      case '|': c = 'l'; break;
      default: break;
    }
    if (c == 'l')
      c = 'i';  // "admln" and "admin" look alike in many fonts
    if (c < 'a' || c > 'z')
      continue;  // separators and other digits
    if (!out.empty() && out.back() == c)
      continue;  // "addmin", "roooot"
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool reserved_account_name(std::string_view name) {
  // Short words occur inside ordinary names ("modern", "rooted", "guesthouse"): only the whole
  // name is compared for them.
  static constexpr std::array<std::string_view, 11> whole{
    "mod",    "mods",  "moderator", "moderators", "root", "guest",
    "guests", "staff", "support",   "official",   "null"};
  // The platform's and the operator's voice: no name may start or end with these
  // ("admin_bob", "theadmin", "aethex_official"); "badminton" stays free.
  static constexpr std::array<std::string_view, 5> affixes{"admin", "aethex", "system", "sysop",
                                                           "administrator"};
  auto s = skeleton(name);
  if (s.empty())
    return true;
  for (auto word : whole)
    if (s == skeleton(word))
      return true;
  for (auto word : affixes) {
    auto stem = skeleton(word);
    if (s.starts_with(stem) || s.ends_with(stem))
      return true;
  }
  return false;
}

}  // namespace aethex::runtime
