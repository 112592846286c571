#include "runtime/principal.hpp"

#include <doctest/doctest.h>

using aethex::runtime::principal;
using aethex::runtime::reserved_account_name;

TEST_CASE("the platform's names and their look-alikes are reserved") {
  for (auto name :
       {"admin",  "Admin",     "adm1n",    "a_d_m_i_n",       "addmin", "admln",   "admin_",
        "_admin", "admin2",    "theadmin", "administrator",   "system", "sys_tem", "5ystem",
        "root",   "r00t",      "root_",    "guest",           "gue5t",  "mod",     "m0d",
        "mods",   "moderator", "aethex",   "aethex_official", "ae7hex", "staff",   "support"})
    CHECK_MESSAGE(reserved_account_name(name), name);
}

TEST_CASE("ordinary names that merely contain a short reserved word stay free") {
  for (auto name :
       {"alice", "bob_99", "modern", "rooted_tree", "guesthouse", "badminton", "model_t", "groot"})
    CHECK_MESSAGE(!reserved_account_name(name), name);
}

TEST_CASE("rights come from the principal's kind, not its name") {
  auto impostor = principal::user("admin");
  CHECK_FALSE(impostor.is_admin());
  CHECK(principal::admin().is_admin());
  CHECK(impostor.is_user("admin"));
  CHECK_FALSE(principal::guest("alice").is_user("alice"));
  CHECK(principal::guest("alice").display() == "guest:alice");
  CHECK(principal::admin().display() == "admin");
  CHECK(principal::anonymous().display().empty());
}
