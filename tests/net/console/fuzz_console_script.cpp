// libFuzzer target: what an admin types at the console prompt or puts in a `-f` script — the
// script parser, variable expansion and quoting — and the interpreter's pure helpers that read
// node replies: JSON paths, `expect` comparisons and durations. (Running statements needs a node
// and sleeps or repeats at will; the console e2e suite covers that.) `matches` is left out:
// std::regex's cost is libstdc++'s, with patterns the admin writes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "net/console/interpreter.hpp"
#include "net/console/script.hpp"
#include "runtime/bounded_json.hpp"

namespace {

using namespace aethex::console;

void walk(const block& statements) {
  for (auto& st : statements) {
    if (st.words.empty() || st.line < 1 || (!st.has_body && !st.body.empty()))
      __builtin_trap();
    // Undefined variables are an error; once all are set, expansion succeeds.
    variables vars;
    std::string error;
    bool has_variable = false;
    for (auto& w : st.words)
      for (auto& p : w.parts)
        if (p.variable) {
          has_variable = true;
          if (!variables::valid_name(p.text))
            __builtin_trap();
          vars.set(p.text, "v");
        }
    variables none;
    if (has_variable && (expand(st.words, none, error) || error.empty()))
      __builtin_trap();
    auto words = expand(st.words, vars, error);
    if (!words || words->size() != st.words.size())
      __builtin_trap();
    // Echoing a command quotes each word; parsing the echo gives the words back.
    for (auto& w : *words) {
      auto again = parse("echo " + quote(w));
      if (again.error || again.incomplete || again.statements.size() != 1)
        __builtin_trap();
      auto back = expand(again.statements[0].words, none, error);
      if (!back || back->size() != 2 || (*back)[1] != w)
        __builtin_trap();
    }
    walk(st.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in{data, size};
  auto script = in.ConsumeRandomLengthString();
  auto reply = in.ConsumeRandomLengthString();
  auto path = in.ConsumeRandomLengthString();
  static const char* const ops[] = {"==", "!=", "<", "<=", ">", ">=", "contains"};
  auto op = ops[in.ConsumeIntegralInRange<std::size_t>(0, std::size(ops) - 1)];
  auto expected = in.ConsumeRemainingBytesAsString();

  auto parsed = parse(script);
  if (!parsed.error)
    walk(parsed.statements);
  else if (parsed.error->line < 1 || parsed.error->message.empty())
    __builtin_trap();

  // Node replies are JSON the node wrote: nesting as deep as the node would ever send.
  auto actual = aethex::runtime::parse_client_json(reply);
  if (actual.is_discarded())
    actual = json::object();
  std::string error;
  auto value = json_at(actual, path, error);
  if (!value && error.empty())
    __builtin_trap();
  (void)compare(value ? *value : actual, op, expected, error);
  (void)is_compare_op(op);
  (void)parse_duration(expected);
  return 0;
}
