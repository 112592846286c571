// The console script language: words, quoting, comments, blocks, variables, and the helpers
// expect uses (JSON paths, comparisons, durations).
#include <doctest/doctest.h>

#include "net/console/interpreter.hpp"
#include "net/console/script.hpp"

using namespace aethex::console;

namespace {

std::vector<std::string> words_of(const statement& st, const variables& vars = {}) {
  std::string error;
  auto words = expand(st.words, vars, error);
  REQUIRE(words);
  return *words;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("words: quotes, escapes, comments and separators") {
  auto r = parse(
    "send chat/alice say \"hello world\" --as bot  # greet\n"
    "echo 'single $quoted' a\\ b \"tab\\there\"; echo two\n"
    "\n   # only a comment\n"
    "echo \"\" end");
  REQUIRE_FALSE(r.error);
  REQUIRE_FALSE(r.incomplete);
  REQUIRE(r.statements.size() == 4);
  CHECK(words_of(r.statements[0]) ==
        strings{"send", "chat/alice", "say", "hello world", "--as", "bot"});
  CHECK(words_of(r.statements[1]) == strings{"echo", "single $quoted", "a b", "tab\there"});
  CHECK(words_of(r.statements[2]) == strings{"echo", "two"});
  CHECK(words_of(r.statements[3]) == strings{"echo", "", "end"});
  CHECK(r.statements[0].line == 1);
  CHECK(r.statements[2].line == 2);
  CHECK(r.statements[3].line == 5);
}

TEST_CASE("blocks: repeat takes one, possibly nested and on one line") {
  auto r = parse("repeat 2 {\n  echo a\n  repeat 3 { echo b; echo c }\n}\necho done");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.statements.size() == 2);
  auto& outer = r.statements[0];
  CHECK(outer.has_body);
  CHECK(words_of(outer) == strings{"repeat", "2"});
  REQUIRE(outer.body.size() == 2);
  CHECK(outer.body[1].has_body);
  CHECK(outer.body[1].body.size() == 2);
  CHECK(words_of(r.statements[1]) == strings{"echo", "done"});
  // A quoted brace is just a word.
  auto quoted = parse("echo \"{\" '}'");
  REQUIRE_FALSE(quoted.error);
  CHECK(words_of(quoted.statements[0]) == strings{"echo", "{", "}"});
}

TEST_CASE("incomplete input asks for more; malformed input names its line") {
  auto open = parse("repeat 3 {\n echo x\n");
  CHECK(open.incomplete);
  CHECK_FALSE(open.error);

  auto quote = parse("echo ok\necho \"unterminated\n");
  REQUIRE(quote.error);
  CHECK(quote.error->line == 2);
  CHECK(quote.error->message.find("unterminated") != std::string::npos);

  auto stray = parse("echo a\n}\n");
  REQUIRE(stray.error);
  CHECK(stray.error->line == 2);
  CHECK(stray.error->message.find("unexpected }") != std::string::npos);

  auto not_repeat = parse("echo a {\n}");
  REQUIRE(not_repeat.error);
  CHECK(not_repeat.error->message.find("only `repeat") != std::string::npos);

  auto bad_var = parse("echo ${not closed");
  REQUIRE(bad_var.error);
  CHECK(parse("echo 'open").error.has_value());
}

TEST_CASE("variables expand when the statement runs; undefined ones are errors") {
  variables vars;
  vars.set("ch", "channel/alice");
  vars.set("n", "3");
  auto r = parse("ask $ch status; echo \"${n}rd\" '$n' \\$n cost$ $");
  REQUIRE_FALSE(r.error);
  CHECK(words_of(r.statements[0], vars) == strings{"ask", "channel/alice", "status"});
  CHECK(words_of(r.statements[1], vars) == strings{"echo", "3rd", "$n", "$n", "cost$", "$"});
  vars.set("n", "4");
  CHECK(words_of(r.statements[1], vars)[1] == "4rd");

  std::string error;
  auto undefined = parse("echo $missing");
  CHECK_FALSE(expand(undefined.statements[0].words, vars, error));
  CHECK(error.find("$missing") != std::string::npos);
  CHECK(variables::valid_name("a_1"));
  CHECK_FALSE(variables::valid_name("1a"));
  CHECK_FALSE(variables::valid_name(""));
}

TEST_CASE("quote gives back the same word when parsed") {
  for (std::string text : {"plain", "two words", "", "say \"hi\"", "$HOME", "a;b", "{", "tab\there",
                           "back\\slash", "line\nbreak"}) {
    auto r = parse("echo " + quote(text));
    REQUIRE_FALSE(r.error);
    CHECK(words_of(r.statements[0]) == strings{"echo", text});
  }
}

TEST_CASE("json paths") {
  auto doc = json::parse(R"({"live":false,"events":[{"type":"a"},{"type":"b","payload":{"n":2}}],
                             "name":"alice"})");
  std::string error;
  CHECK(json_at(doc, ".", error) == doc);
  CHECK(json_at(doc, ".live", error) == false);
  CHECK(json_at(doc, ".events[0].type", error) == "a");
  CHECK(json_at(doc, ".events[-1].payload.n", error) == 2);
  CHECK(json_at(doc, ".events.length", error) == 2);
  CHECK(json_at(doc, ".name.length", error) == 5);
  CHECK_FALSE(json_at(doc, ".events[2]", error));
  CHECK(error.find("out of range") != std::string::npos);
  CHECK_FALSE(json_at(doc, ".nope", error));
  CHECK(error.find("no field 'nope'") != std::string::npos);
  CHECK_FALSE(json_at(doc, "live", error));
  CHECK_FALSE(json_at(doc, ".events[x]", error));
  CHECK_FALSE(json_at(doc, ".live[0]", error));
}

TEST_CASE("comparisons") {
  std::string error;
  CHECK(compare(json(false), "==", "false", error));
  CHECK(compare(json("alice"), "==", "alice", error));
  CHECK(compare(json("42"), "==", "42", error));
  CHECK(compare(json(42), "==", "42", error));
  CHECK(compare(json(42), "!=", "43", error));
  CHECK_FALSE(compare(json(true), "==", "false", error));
  CHECK(compare(json(3), ">=", "3", error));
  CHECK(compare(json(3), "<", "3.5", error));
  CHECK_FALSE(compare(json(3), ">", "3", error));
  CHECK(compare(json("hello world"), "contains", "world", error));
  CHECK(compare(json::array({"a", "b"}), "contains", "b", error));
  CHECK(compare(json{{"k", 1}}, "contains", "k", error));
  CHECK(compare(json("live_alice_12ab"), "matches", "^live_alice_[0-9a-f]+$", error));
  CHECK(error.empty());
  CHECK_FALSE(compare(json("x"), "<", "3", error));
  CHECK(error.find("compares numbers") != std::string::npos);
  error.clear();
  CHECK_FALSE(compare(json("x"), "matches", "(", error));
  CHECK(error.find("regular expression") != std::string::npos);
  CHECK(is_compare_op("=="));
  CHECK_FALSE(is_compare_op("="));
}

TEST_CASE("durations") {
  using std::chrono::milliseconds;
  CHECK(parse_duration("1s") == milliseconds{1000});
  CHECK(parse_duration("250ms") == milliseconds{250});
  CHECK(parse_duration("2m") == milliseconds{120'000});
  CHECK(parse_duration("1.5") == milliseconds{1500});
  CHECK_FALSE(parse_duration("fast"));
  CHECK_FALSE(parse_duration("1x"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("1.2.3s"));
}
