// The console's script language, shared by the prompt, `-f file` and stdin: lines of words
// (shell-like quoting, `#` comments, `;` between statements), `$name` / `${name}` variables that
// expand when a statement runs, and `{ … }` blocks after `repeat N`. See docs/console.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::console {

/// Part of a word: literal text, or the name of a variable to substitute when the statement runs.
struct segment {
  std::string text;
  bool variable = false;
};

struct word {
  std::vector<segment> parts;
  bool quoted = false;  // some part came from quotes: never a keyword, brace or option
  /// The literal text when the word has no variables (keywords, braces); nullopt otherwise.
  std::optional<std::string> literal() const;
};

struct statement {
  int line = 0;  // 1-based line of the first word
  std::vector<word> words;
  std::vector<statement> body;  // `repeat N { … }` only
  bool has_body = false;
};

using block = std::vector<statement>;

struct parse_error {
  int line = 0;
  std::string message;
};

struct parse_result {
  block statements;
  std::optional<parse_error> error;
  bool incomplete = false;  // input ended inside a `{ … }` block (the prompt asks for more)
};

/// Parses a whole script or prompt input. Only `repeat` takes a block.
parse_result parse(std::string_view text);

/// Variables of a running script; undefined names are an error, never empty text.
class variables {
 public:
  void set(const std::string& name, std::string value);
  const std::string* find(std::string_view name) const;
  void erase(const std::string& name);
  static bool valid_name(std::string_view name);

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// Words with variables substituted; on an undefined variable returns nullopt and sets `error`.
std::optional<std::vector<std::string>> expand(const std::vector<word>& words,
                                               const variables& vars, std::string& error);

/// Quotes a word so that parsing it gives the word back (for echoing commands).
std::string quote(std::string_view text);

}  // namespace aethex::console
