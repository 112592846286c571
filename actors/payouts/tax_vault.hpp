// Tax forms at rest (docs/security.md, "Tax forms"): libsodium secretbox (XSalsa20-Poly1305)
// under a key from the node's tax key file, a random nonce per write. The key file lives
// outside the data folder, so a copy of the data alone reveals no form. It holds versioned keys,
// one a line: "v<N> <64 hex digits>"; the highest N encrypts new writes, every line decrypts, so
// rotation is adding a line (old forms stay readable; each is re-encrypted when next written).
// The file is created with mode 0600 and one random key on first use.
//
// Form fields: validated here, masked for reading (legal name initials, TIN last 4). Nothing
// in this file logs, and no error message carries a field's value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors::tax_vault {

/// What an event stores: never the plaintext.
struct sealed_box {
  std::uint32_t key_version = 0;
  std::string nonce;       // base64
  std::string ciphertext;  // base64, MAC included
};

/// Encrypts `plaintext` under the newest key of `key_file` (created when missing);
/// errc::unavailable when the file cannot be read, created or parsed.
caf::expected<sealed_box> seal(const std::filesystem::path& key_file, std::string_view plaintext);

/// Decrypts `box` with the key of its version; errc::unavailable when that key is gone or the
/// box does not authenticate.
caf::expected<std::string> unseal(const std::filesystem::path& key_file, const sealed_box& box);

/// The tax key file of a node: config's, or "<data folder>.tax-key" beside the data folder.
std::filesystem::path key_file_for(const std::filesystem::path& configured,
                                   const std::filesystem::path& data_dir);

/// A form as the owner sent it, checked and normalised: {"form": "W-9" | "W-8BEN",
/// "legal_name", "tin" (W-9: 9 digits) | "foreign_tin" (W-8BEN), "address", "country",
/// "signature_name", "signed_at" (YYYY-MM-DD)}; errc::invalid_argument naming the field.
caf::expected<nlohmann::json> validate_form(const nlohmann::json& body);

/// What GET tax-form shows of a stored form: the form, the legal name masked ("J*** D**"), the
/// TIN's last 4 digits, the country and the signing date.
nlohmann::json masked_form(const nlohmann::json& form);

/// "Jane Doe" -> "J*** D**": each word's first character, the rest starred.
std::string mask_name(std::string_view name);

}  // namespace aethex::actors::tax_vault
