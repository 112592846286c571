#include "actors/payouts/tax_vault.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::tax_vault {
namespace {

using json = nlohmann::json;
using key_bytes = std::array<unsigned char, crypto_secretbox_KEYBYTES>;

// Keys by version; zeroed when the map goes, so key material lives only while it is used.
struct key_ring {
  std::map<std::uint32_t, key_bytes> keys;
  key_ring() = default;
  key_ring(const key_ring&) = delete;
  key_ring& operator=(const key_ring&) = delete;
  key_ring(key_ring&&) = default;
  ~key_ring() {
    for (auto& [version, key] : keys)
      sodium_memzero(key.data(), key.size());
  }
};

void ensure_sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  if (!ready)
    throw std::runtime_error("libsodium failed to initialise");
}

caf::error key_file_error(std::string what) {
  return make_error(errc::unavailable, "the tax key file " + what);
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

// A first key, written with O_EXCL and mode 0600: two writers never both create the file.
caf::error create_key_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? caf::none : key_file_error("cannot be created");
  key_bytes key;
  randombytes_buf(key.data(), key.size());
  auto line = "v1 " + to_hex(key.data(), key.size()) + "\n";
  sodium_memzero(key.data(), key.size());
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                 ::fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  ::close(fd);
  return written ? caf::none : key_file_error("cannot be written");
}

caf::expected<key_ring> load_keys(const std::filesystem::path& path) {
  ensure_sodium_ready();
  if (!std::filesystem::exists(path))
    if (auto err = create_key_file(path))
      return err;
  std::ifstream in{path};
  if (!in)
    return key_file_error("cannot be read");
  key_ring ring;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream words{line};
    std::string version, hex;
    words >> version >> hex;
    key_bytes key;
    std::size_t size = 0;
    bool numbered = version.size() > 1 && version.size() < 10 && version[0] == 'v' &&
                    std::all_of(version.begin() + 1, version.end(),
                                [](unsigned char c) { return std::isdigit(c) != 0; });
    bool ok = numbered && hex.size() == key.size() * 2 &&
              sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &size,
                             nullptr) == 0 &&
              size == key.size();
    sodium_memzero(line.data(), line.size());
    sodium_memzero(hex.data(), hex.size());
    if (!ok)
      return key_file_error("has a line that is not \"v<N> <64 hex digits>\"");
    auto n = static_cast<std::uint32_t>(std::stoul(version.substr(1)));
    if (n == 0)
      return key_file_error("numbers its keys from v1");
    ring.keys[n] = key;
    sodium_memzero(key.data(), key.size());
  }
  if (ring.keys.empty())
    return key_file_error("holds no key");
  return ring;
}

std::string base64_of(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::optional<std::string> bytes_of_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(size);
  return out;
}

caf::error field_error(const char* field, const char* rule) {
  return make_error(errc::invalid_argument, std::string{field} + " " + rule);
}

// A required text field of 1..max code points, trimmed of outer spaces.
caf::expected<std::string> text_field(const json& body, const char* key, std::size_t max) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string())
    return field_error(key, "is required (text)");
  auto text = it->get<std::string>();
  auto first = text.find_first_not_of(" \t");
  auto last = text.find_last_not_of(" \t");
  text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  if (text.empty() || is_blank(text) || utf8_length(text) > max ||
      text.find_first_of("\r\n") != std::string::npos)
    return field_error(key, ("must be 1-" + std::to_string(max) + " characters").c_str());
  return text;
}

bool valid_date(std::string_view d) {
  auto digits = [&](std::size_t from, std::size_t n) {
    return std::all_of(d.begin() + from, d.begin() + from + n,
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (d.size() != 10 || d[4] != '-' || d[7] != '-' || !digits(0, 4) || !digits(5, 2) ||
      !digits(8, 2))
    return false;
  int month = std::stoi(std::string{d.substr(5, 2)});
  int day = std::stoi(std::string{d.substr(8, 2)});
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

caf::expected<sealed_box> seal(const std::filesystem::path& key_file, std::string_view plaintext) {
  auto ring = load_keys(key_file);
  if (!ring)
    return ring.error();
  auto& [version, key] = *ring->keys.rbegin();
  std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::string cipher(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(cipher.data()),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce.data(), key.data());
  return sealed_box{
    version, base64_of(nonce.data(), nonce.size()),
    base64_of(reinterpret_cast<const unsigned char*>(cipher.data()), cipher.size())};
}

caf::expected<std::string> unseal(const std::filesystem::path& key_file, const sealed_box& box) {
  auto ring = load_keys(key_file);
  if (!ring)
    return ring.error();
  auto key = ring->keys.find(box.key_version);
  if (key == ring->keys.end())
    return key_file_error("lacks key v" + std::to_string(box.key_version));
  auto nonce = bytes_of_base64(box.nonce);
  auto cipher = bytes_of_base64(box.ciphertext);
  if (!nonce || !cipher || nonce->size() != crypto_secretbox_NONCEBYTES ||
      cipher->size() < crypto_secretbox_MACBYTES)
    return make_error(errc::unavailable, "a stored tax form is damaged");
  std::string plain(cipher->size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(cipher->data()),
                                 cipher->size(),
                                 reinterpret_cast<const unsigned char*>(nonce->data()),
                                 key->second.data()) != 0)
    return make_error(errc::unavailable, "a stored tax form does not decrypt with key v" +
                                           std::to_string(box.key_version));
  return plain;
}

std::filesystem::path key_file_for(const std::filesystem::path& configured,
                                   const std::filesystem::path& data_dir) {
  if (!configured.empty())
    return configured;
  auto dir = data_dir;
  if (!dir.has_filename())
    dir = dir.parent_path();  // "data/" names the folder "data"
  dir += ".tax-key";
  return dir;
}

caf::expected<json> validate_form(const json& body) {
  static constexpr std::string_view known[] = {"form",           "legal_name", "tin",
                                               "foreign_tin",    "address",    "country",
                                               "signature_name", "signed_at"};
  for (auto& [key, value] : body.items())
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      return make_error(errc::invalid_argument, "unknown field " + key.substr(0, 40));
  auto form = body.value("form", json{});
  if (form != "W-9" && form != "W-8BEN")
    return field_error("form", "is \"W-9\" or \"W-8BEN\"");
  json out{{"form", form}};
  for (auto [key, max] : {std::pair{"legal_name", 100}, std::pair{"address", 300},
                          std::pair{"signature_name", 100}}) {
    auto text = text_field(body, key, static_cast<std::size_t>(max));
    if (!text)
      return text.error();
    out[key] = *text;
  }
  auto country = text_field(body, "country", 2);
  if (!country || country->size() != 2 ||
      !std::all_of(country->begin(), country->end(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z'; }))
    return field_error("country", "is a two-letter ISO 3166 code (\"US\")");
  out["country"] = *country;
  if (form == "W-9") {
    if (body.contains("foreign_tin"))
      return field_error("foreign_tin", "belongs on a W-8BEN");
    if (*country != "US")
      return field_error("country", "of a W-9 is \"US\"");
    auto tin = text_field(body, "tin", 11);
    if (!tin)
      return tin.error();
    std::string digits;
    for (char c : *tin)
      if (c != '-')
        digits += c;
    if (digits.size() != 9 || !std::all_of(digits.begin(), digits.end(),
                                           [](unsigned char c) { return std::isdigit(c) != 0; }))
      return field_error("tin", "is an SSN or EIN: 9 digits");
    out["tin"] = digits;
  } else {
    if (body.contains("tin"))
      return field_error("tin", "belongs on a W-9 (a W-8BEN has foreign_tin)");
    auto tin = text_field(body, "foreign_tin", 30);
    if (!tin || !std::all_of(tin->begin(), tin->end(), [](unsigned char c) {
          return std::isalnum(c) != 0 || c == '-' || c == ' ';
        }))
      return field_error("foreign_tin", "is 1-30 letters, digits, '-' or spaces");
    out["foreign_tin"] = *tin;
  }
  auto signed_at = body.find("signed_at");
  if (signed_at == body.end() || !signed_at->is_string() ||
      !valid_date(signed_at->get<std::string>()))
    return field_error("signed_at", "is a date YYYY-MM-DD");
  out["signed_at"] = *signed_at;
  return out;
}

std::string mask_name(std::string_view name) {
  std::string out;
  bool word_start = true;
  for (std::size_t i = 0; i < name.size();) {
    std::size_t len = 1;  // one code point: its lead byte and continuation bytes
    while (i + len < name.size() && (static_cast<unsigned char>(name[i + len]) & 0xC0) == 0x80)
      ++len;
    auto point = name.substr(i, len);
    if (point == " ") {
      out += ' ';
      word_start = true;
    } else if (word_start) {
      out += point;
      word_start = false;
    } else {
      out += '*';
    }
    i += len;
  }
  return out;
}

json masked_form(const json& form) {
  auto tin = form.value("tin", form.value("foreign_tin", std::string{}));
  std::string digits;
  for (char c : tin)
    if (std::isalnum(static_cast<unsigned char>(c)))
      digits += c;
  return json{{"form", form.value("form", "")},
              {"legal_name", mask_name(form.value("legal_name", ""))},
              // A TIN of 4 characters or fewer shows nothing: its last 4 would be all of it.
              {"tin_last4", digits.size() > 4 ? digits.substr(digits.size() - 4) : ""},
              {"country", form.value("country", "")},
              {"signed_at", form.value("signed_at", "")}};
}

}  // namespace aethex::actors::tax_vault
