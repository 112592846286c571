#include "net/console/script.hpp"

#include <algorithm>

namespace aethex::console {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

struct token {
  enum class kind { word, separator, end } type = kind::end;
  word value;
  int line = 0;
};

class lexer {
 public:
  explicit lexer(std::string_view text) : text_(text) {}

  // Returns false (with `error` set) on malformed input.
  bool next(token& out, std::optional<parse_error>& error) {
    skip_blanks();
    out = token{};
    out.line = line_;
    if (pos_ >= text_.size()) {
      out.type = token::kind::end;
      return true;
    }
    char c = text_[pos_];
    if (c == '#') {  // comment to the end of the line
      while (pos_ < text_.size() && text_[pos_] != '\n')
        ++pos_;
      return next(out, error);
    }
    if (c == '\n' || c == ';') {
      if (c == '\n')
        ++line_;
      ++pos_;
      out.type = token::kind::separator;
      return true;
    }
    out.type = token::kind::word;
    return read_word(out.value, error);
  }

 private:
  void skip_blanks() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
        pos_ += 2;  // line continuation
        ++line_;
      } else {
        break;
      }
    }
  }

  void literal(word& w, char c) {
    if (w.parts.empty() || w.parts.back().variable)
      w.parts.push_back(segment{});
    w.parts.back().text += c;
  }

  // `$name`, `${name}`; a `$` not followed by a name is literal.
  bool variable(word& w, std::optional<parse_error>& error) {
    ++pos_;  // '$'
    if (pos_ < text_.size() && text_[pos_] == '{') {
      auto close = text_.find('}', pos_);
      auto name = close == std::string_view::npos ? std::string_view{}
                                                  : text_.substr(pos_ + 1, close - pos_ - 1);
      if (close == std::string_view::npos || !variables::valid_name(name)) {
        error = parse_error{line_, "malformed ${…} variable reference"};
        return false;
      }
      w.parts.push_back(segment{std::string{name}, true});
      pos_ = close + 1;
      return true;
    }
    auto start = pos_;
    while (pos_ < text_.size() && name_char(text_[pos_]) &&
           (pos_ > start || name_start(text_[pos_])))
      ++pos_;
    if (pos_ == start)
      literal(w, '$');
    else
      w.parts.push_back(segment{std::string{text_.substr(start, pos_ - start)}, true});
    return true;
  }

  bool read_word(word& w, std::optional<parse_error>& error) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';')
        break;
      if (c == '\'') {
        w.quoted = true;
        auto close = text_.find('\'', pos_ + 1);
        if (close == std::string_view::npos) {
          error = parse_error{line_, "unterminated ' quote"};
          return false;
        }
        if (w.parts.empty() || w.parts.back().variable)
          w.parts.push_back(segment{});
        w.parts.back().text += text_.substr(pos_ + 1, close - pos_ - 1);
        pos_ = close + 1;
      } else if (c == '"') {
        w.quoted = true;
        if (w.parts.empty())
          w.parts.push_back(segment{});  // "" is an empty word, not no word
        ++pos_;
        bool closed = false;
        while (pos_ < text_.size()) {
          char q = text_[pos_];
          if (q == '"') {
            closed = true;
            ++pos_;
            break;
          }
          if (q == '\n') {
            break;
          } else if (q == '\\' && pos_ + 1 < text_.size()) {
            char e = text_[pos_ + 1];
            literal(w, e == 'n' ? '\n' : e == 't' ? '\t' : e);
            pos_ += 2;
          } else if (q == '$') {
            if (!variable(w, error))
              return false;
          } else {
            literal(w, q);
            ++pos_;
          }
        }
        if (!closed) {
          error = parse_error{line_, "unterminated \" quote"};
          return false;
        }
      } else if (c == '\\' && pos_ + 1 < text_.size()) {
        w.quoted = true;
        literal(w, text_[pos_ + 1]);
        pos_ += 2;
      } else if (c == '$') {
        if (!variable(w, error))
          return false;
      } else {
        literal(w, c);
        ++pos_;
      }
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

class parser {
 public:
  explicit parser(std::string_view text) : lex_(text) {}

  parse_result run() {
    parse_result result;
    bool closed_by_brace = false;
    result.statements = parse_block(0, result, closed_by_brace);
    return result;
  }

 private:
  static bool is(const word& w, std::string_view text) {
    auto lit = w.literal();
    return !w.quoted && lit && *lit == text;
  }

  block parse_block(int depth, parse_result& result, bool& closed) {
    block out;
    statement current;
    auto flush = [&] {
      if (!current.words.empty())
        out.push_back(std::move(current));
      current = statement{};
    };
    for (;;) {
      token t;
      if (!lex_.next(t, result.error))
        return out;
      if (t.type == token::kind::end) {
        flush();
        if (depth > 0)
          result.incomplete = true;
        return out;
      }
      if (t.type == token::kind::separator) {
        flush();
        continue;
      }
      if (is(t.value, "}")) {
        if (depth == 0) {
          result.error = parse_error{t.line, "unexpected } (no block is open)"};
          return out;
        }
        flush();
        closed = true;
        return out;
      }
      if (is(t.value, "{")) {
        if (current.words.empty() || !is(current.words.front(), "repeat")) {
          result.error = parse_error{t.line, "only `repeat N { … }` takes a block"};
          return out;
        }
        bool inner_closed = false;
        current.body = parse_block(depth + 1, result, inner_closed);
        current.has_body = true;
        if (result.error || result.incomplete)
          return out;
        flush();
        continue;
      }
      if (current.words.empty())
        current.line = t.line;
      current.words.push_back(std::move(t.value));
    }
  }

  lexer lex_;
};

}  // namespace

std::optional<std::string> word::literal() const {
  std::string text;
  for (auto& p : parts) {
    if (p.variable)
      return std::nullopt;
    text += p.text;
  }
  return text;
}

parse_result parse(std::string_view text) { return parser{text}.run(); }

void variables::set(const std::string& name, std::string value) {
  for (auto& [n, v] : values_)
    if (n == name) {
      v = std::move(value);
      return;
    }
  values_.emplace_back(name, std::move(value));
}

const std::string* variables::find(std::string_view name) const {
  for (auto& [n, v] : values_)
    if (n == name)
      return &v;
  return nullptr;
}

void variables::erase(const std::string& name) {
  std::erase_if(values_, [&](auto& entry) { return entry.first == name; });
}

bool variables::valid_name(std::string_view name) {
  return !name.empty() && name_start(name.front()) &&
         std::all_of(name.begin(), name.end(), name_char);
}

std::optional<std::vector<std::string>> expand(const std::vector<word>& words,
                                               const variables& vars, std::string& error) {
  std::vector<std::string> out;
  out.reserve(words.size());
  for (auto& w : words) {
    std::string text;
    for (auto& p : w.parts) {
      if (!p.variable) {
        text += p.text;
        continue;
      }
      auto* value = vars.find(p.text);
      if (!value) {
        error = "undefined variable $" + p.text + " (set it with: set " + p.text + " = …)";
        return std::nullopt;
      }
      text += *value;
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::string quote(std::string_view text) {
  bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c > ' ' && c != '"' && c != '\'' && c != '\\' && c != '$' && c != ';' && c != '#' &&
           c != '{' && c != '}';
  });
  if (plain)
    return std::string{text};
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '$')
      out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

}  // namespace aethex::console
