#include "actors/push/webpush.hpp"

#include <array>
#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

namespace aethex::actors::webpush {
namespace {

constexpr std::size_t point_size = 65;   // uncompressed P-256 point
constexpr std::size_t scalar_size = 32;  // P-256 private scalar
constexpr std::size_t auth_size = 16;
constexpr std::size_t salt_size = 16;
constexpr std::size_t tag_size = 16;
constexpr std::string_view b64_alphabet =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, freer<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, freer<EVP_MD_CTX, EVP_MD_CTX_free>>;
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, freer<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, freer<BIGNUM, BN_clear_free>>;
using group_ptr = std::unique_ptr<EC_GROUP, freer<EC_GROUP, EC_GROUP_free>>;
using point_ptr = std::unique_ptr<EC_POINT, freer<EC_POINT, EC_POINT_free>>;
using sig_ptr = std::unique_ptr<ECDSA_SIG, freer<ECDSA_SIG, ECDSA_SIG_free>>;
using bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, freer<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, freer<OSSL_PARAM, OSSL_PARAM_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// An EVP key from raw parts: the public point alone, or both halves (a key that signs or
// derives). OpenSSL checks that the point lies on the curve.
pkey_ptr make_key(std::string_view public_key, std::string_view private_key = {}) {
  if (public_key.size() != point_size ||
      (!private_key.empty() && private_key.size() != scalar_size))
    return nullptr;
  bld_ptr bld{OSSL_PARAM_BLD_new()};
  bn_ptr d;
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(),
                                        public_key.size()))
    return nullptr;
  if (!private_key.empty()) {
    d.reset(BN_bin2bn(bytes(private_key), static_cast<int>(private_key.size()), nullptr));
    if (!d || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()))
      return nullptr;
  }
  params_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
  pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key,
                        private_key.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) <= 0)
    return nullptr;
  return pkey_ptr{key};
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out.data(),
       &len);
  return {reinterpret_cast<const char*>(out.data()), len};
}

// HKDF (RFC 5869) for outputs of at most one hash: extract, then one expand block.
std::string hkdf(std::string_view salt, std::string_view ikm, std::string info, std::size_t n) {
  auto prk = hmac_sha256(salt, ikm);
  info.push_back('\x01');
  return hmac_sha256(prk, info).substr(0, n);
}

std::optional<std::string> ecdh(const pkey_ptr& own, const pkey_ptr& peer) {
  pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr)};
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0)
    return std::nullopt;
  std::string secret(len, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &len) <= 0)
    return std::nullopt;
  secret.resize(len);
  return secret;
}

std::optional<std::string> aes128gcm_seal(std::string_view key, std::string_view nonce,
                                          std::string_view plaintext) {
  cipher_ctx_ptr ctx{EVP_CIPHER_CTX_new()};
  std::string out(plaintext.size() + tag_size, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0, tail = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, bytes(plaintext), static_cast<int>(plaintext.size())) !=
        1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, o + len + tail) != 1)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(len + tail) + tag_size);
  return out;
}

std::string bn_bytes(const BIGNUM* n, std::size_t size) {
  std::string out(size, '\0');
  BN_bn2binpad(n, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size));
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(b64_alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0)
    out.push_back(b64_alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=')
    in.remove_suffix(1);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto at = b64_alphabet.find(c == '+' ? '-' : c == '/' ? '_' : c);
    if (at == std::string_view::npos)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6)  // a lone trailing character carries no whole byte
    return std::nullopt;
  return out;
}

std::optional<key_pair> generate_keys() {
  pkey_ptr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  if (!key)
    return std::nullopt;
  key_pair pair;
  pair.public_key.resize(point_size);
  std::size_t len = 0;
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                      reinterpret_cast<unsigned char*>(pair.public_key.data()),
                                      point_size, &len) != 1 ||
      len != point_size || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
    return std::nullopt;
  bn_ptr owned{d};
  pair.private_key = bn_bytes(d, scalar_size);
  return pair;
}

std::optional<std::string> public_of(std::string_view private_key) {
  if (private_key.size() != scalar_size)
    return std::nullopt;
  group_ptr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
  bn_ptr d{BN_bin2bn(bytes(private_key), scalar_size, nullptr)};
  if (!group || !d || BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0)
    return std::nullopt;
  point_ptr point{EC_POINT_new(group.get())};
  std::string out(point_size, '\0');
  if (!point || EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), point_size,
                         nullptr) != point_size)
    return std::nullopt;
  return out;
}

std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret, const key_pair& as,
                                   std::string_view salt) {
  if (auth_secret.size() != auth_size || salt.size() != salt_size ||
      plaintext.size() > max_plaintext)
    return std::nullopt;
  auto peer = make_key(ua_public);
  auto own = make_key(as.public_key, as.private_key);
  if (!peer || !own)
    return std::nullopt;
  auto shared = ecdh(own, peer);
  if (!shared)
    return std::nullopt;
  // RFC 8291 §3.4: IKM from the ECDH secret and the auth secret, keyed to both public keys.
  std::string key_info = "WebPush: info";
  key_info.push_back('\0');
  key_info.append(ua_public).append(as.public_key);
  auto ikm = hkdf(auth_secret, *shared, key_info, 32);
  // RFC 8188 §2.2-2.3: the content-encryption key and the nonce (record 0: no XOR needed).
  auto cek = hkdf(salt, ikm, std::string{"Content-Encoding: aes128gcm"} + '\0', 16);
  auto nonce = hkdf(salt, ikm, std::string{"Content-Encoding: nonce"} + '\0', 12);
  std::string padded{plaintext};
  padded.push_back('\x02');  // the last (and only) record's delimiter, no padding
  auto sealed = aes128gcm_seal(cek, nonce, padded);
  if (!sealed)
    return std::nullopt;
  std::string body{salt};
  for (int shift : {24, 16, 8, 0})
    body.push_back(static_cast<char>((record_size >> shift) & 0xff));
  body.push_back(static_cast<char>(point_size));
  body.append(as.public_key).append(*sealed);
  return body;
}

std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret) {
  auto ephemeral = generate_keys();
  std::string salt(salt_size, '\0');
  if (!ephemeral || RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), salt_size) != 1)
    return std::nullopt;
  return encrypt(plaintext, ua_public, auth_secret, *ephemeral, salt);
}

std::string origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0)
    return {};
  auto host_end = url.find_first_of("/?#", scheme_end + 3);
  auto origin = url.substr(0, host_end);
  return origin.size() > scheme_end + 3 ? std::string{origin} : std::string{};
}

std::optional<std::string> vapid_jwt(const key_pair& vapid, std::string_view audience,
                                     std::int64_t exp_s, std::string_view subject) {
  auto key = make_key(vapid.public_key, vapid.private_key);
  if (!key)
    return std::nullopt;
  auto header = base64url_encode(R"({"typ":"JWT","alg":"ES256"})");
  auto claims = base64url_encode(
    nlohmann::json{{"aud", audience}, {"exp", exp_s}, {"sub", subject}}.dump());
  auto signing_input = header + "." + claims;
  md_ctx_ptr md{EVP_MD_CTX_new()};
  std::size_t der_len = 0;
  if (!md ||
      EVP_DigestSignInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, key.get(), nullptr) !=
        1 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, bytes(signing_input), signing_input.size()) != 1)
    return std::nullopt;
  std::string der(der_len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     bytes(signing_input), signing_input.size()) != 1)
    return std::nullopt;
  // JWS wants r || s (32 bytes each, RFC 7518 §3.4), OpenSSL gives DER.
  const unsigned char* p = bytes(der);
  sig_ptr sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len))};
  if (!sig)
    return std::nullopt;
  auto raw = bn_bytes(ECDSA_SIG_get0_r(sig.get()), 32) + bn_bytes(ECDSA_SIG_get0_s(sig.get()), 32);
  return signing_input + "." + base64url_encode(raw);
}

std::string vapid_authorization(const key_pair& vapid, const std::string& jwt) {
  return "vapid t=" + jwt + ", k=" + base64url_encode(vapid.public_key);
}

bool verify_jwt(std::string_view jwt, std::string_view public_key) {
  auto last_dot = jwt.rfind('.');
  if (last_dot == std::string_view::npos)
    return false;
  auto raw = base64url_decode(jwt.substr(last_dot + 1));
  auto key = make_key(public_key);
  if (!raw || raw->size() != 64 || !key)
    return false;
  sig_ptr sig{ECDSA_SIG_new()};
  BIGNUM* r = BN_bin2bn(bytes(*raw), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(*raw) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0)
    return false;
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owned{
    der, [](unsigned char* q) { OPENSSL_free(q); }};
  auto signing_input = jwt.substr(0, last_dot);
  md_ctx_ptr md{EVP_MD_CTX_new()};
  return md &&
         EVP_DigestVerifyInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, key.get(),
                                 nullptr) == 1 &&
         EVP_DigestVerify(md.get(), der, static_cast<std::size_t>(der_len), bytes(signing_input),
                          signing_input.size()) == 1;
}

}  // namespace aethex::actors::webpush
