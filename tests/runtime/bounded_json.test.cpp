#include "runtime/bounded_json.hpp"

#include <string>

#include <doctest/doctest.h>

using aethex::runtime::json_refusal;
using aethex::runtime::max_json_depth;
using aethex::runtime::parse_client_json;

TEST_CASE("ordinary client JSON parses") {
  json_refusal why{};
  auto value = parse_client_json(R"({"a": [1, {"b": "]]]]{{"}], "c": "\"["})", &why);
  REQUIRE_FALSE(value.is_discarded());
  CHECK(why == json_refusal::none);
  CHECK(value["a"][1]["b"] == "]]]]{{");
}

TEST_CASE("nesting deeper than the limit is refused before anything is built") {
  std::string deep(60000, '[');
  json_refusal why{};
  CHECK(parse_client_json(deep, &why).is_discarded());
  CHECK(why == json_refusal::too_deep);

  std::string at_limit = std::string(max_json_depth, '[') + std::string(max_json_depth, ']');
  CHECK_FALSE(parse_client_json(at_limit, &why).is_discarded());
  std::string over = "[" + at_limit + "]";
  CHECK(parse_client_json(over, &why).is_discarded());
  CHECK(why == json_refusal::too_deep);
}

TEST_CASE("brackets inside strings do not count, escaped quotes do not end strings") {
  std::string text = R"({"s": ")" + std::string(1000, '[') + R"(\"", "t": 1})";
  CHECK_FALSE(parse_client_json(text).is_discarded());
}

TEST_CASE("malformed JSON is refused as invalid") {
  json_refusal why{};
  CHECK(parse_client_json("{\"a\":", &why).is_discarded());
  CHECK(why == json_refusal::invalid);
}
