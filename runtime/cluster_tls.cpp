#include "runtime/cluster_tls.hpp"

#include <array>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/actor_system_config.hpp>
#include <caf/openssl/manager.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

// CAF 0.17.6's OpenSSL module never drains OpenSSL's per-thread error queue (it reads it only
// for log lines, compiled out in Debian's build). SSL_get_error reports any queued entry as a
// fatal error, so after one failed handshake (a port scanner, a node with another secret) or one
// peer vanishing, every TLS connection served by that multiplexer thread was dropped at its next
// "want read": one stray connection took the whole cluster apart. This definition takes the
// place of libssl's for libcaf_openssl (the executable comes first in symbol lookup): it
// answers as libssl does, then empties the queue, so each call sees only its own errors.
// Nothing else in the project calls SSL_get_error.
extern "C" int SSL_get_error(const SSL* ssl, int ret_code) {
  using get_error_fn = int (*)(const SSL*, int);
  static const auto real = reinterpret_cast<get_error_fn>(::dlsym(RTLD_NEXT, "SSL_get_error"));
  int result = real(ssl, ret_code);
  ERR_clear_error();
  return result;
}

namespace aethex::runtime {
namespace {

// Changing any of these changes every cluster's CA: nodes of different versions would no
// longer accept each other. They are documented in docs/cluster.md.
constexpr std::string_view ca_salt = "aethex-clusterCA";  // crypto_pwhash_SALTBYTES (16)
constexpr unsigned long long ca_opslimit = 3;
constexpr std::size_t ca_memlimit = 64u << 20;  // 64 MiB
constexpr const char* ca_name = "AeThex LIVE cluster CA";
static_assert(ca_salt.size() == crypto_pwhash_SALTBYTES);

template <auto Free>
struct deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  while (auto code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    detail += detail.empty() ? ": " : "; ";
    detail += buf;
  }
  throw std::runtime_error("cluster TLS: " + what + detail);
}

pkey_ptr derive_ca_key(std::string_view secret) {
  if (sodium_init() < 0)
    fail("libsodium failed to initialise");
  std::array<unsigned char, 32> seed{};
  if (crypto_pwhash(seed.data(), seed.size(), secret.data(), secret.size(),
                    reinterpret_cast<const unsigned char*>(ca_salt.data()), ca_opslimit,
                    ca_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    fail("not enough memory to derive the cluster key");
  pkey_ptr key{EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size())};
  sodium_memzero(seed.data(), seed.size());
  if (!key)
    fail("cannot make the CA key");
  return key;
}

pkey_ptr new_node_key() {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, deleter<EVP_PKEY_CTX_free>> ctx{
    EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr)};
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
    fail("cannot generate the node key");
  return pkey_ptr{raw};
}

void add_ext(X509* cert, X509V3_CTX& ctx, int nid, const char* value) {
  ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    fail(std::string{"cannot add certificate extension "} + OBJ_nid2sn(nid));
}

void set_name(X509_NAME* name, std::string_view common_name) {
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("AeThex LIVE"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1)
    fail("cannot set certificate name");
}

// Every field fixed and Ed25519 signatures deterministic: the same secret gives the same bytes.
x509_ptr make_ca_cert(EVP_PKEY* ca_key) {
  x509_ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) != 1 ||
      ASN1_TIME_set_string_X509(X509_getm_notBefore(cert.get()), "20240101000000Z") != 1 ||
      ASN1_TIME_set_string_X509(X509_getm_notAfter(cert.get()), "99991231235959Z") != 1 ||
      X509_set_pubkey(cert.get(), ca_key) != 1)
    fail("cannot fill the CA certificate");
  set_name(X509_get_subject_name(cert.get()), ca_name);
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1)
    fail("cannot fill the CA certificate");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_ext(cert.get(), ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(cert.get(), ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), ctx, NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), ca_key, nullptr) <= 0)  // Ed25519 takes no digest
    fail("cannot sign the CA certificate");
  return cert;
}

x509_ptr make_node_cert(X509* ca_cert, EVP_PKEY* ca_key, EVP_PKEY* node_key,
                        std::string_view node_id) {
  x509_ptr cert{X509_new()};
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1)
    fail("no random serial number");
  serial[0] &= 0x7f;  // a positive INTEGER
  std::unique_ptr<BIGNUM, deleter<BN_free>> bn{BN_bin2bn(serial.data(), serial.size(), nullptr)};
  if (!cert || !bn || X509_set_version(cert.get(), 2) != 1 ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||  // tolerate clock skew
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600) ||
      X509_set_pubkey(cert.get(), node_key) != 1 ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert)) != 1)
    fail("cannot fill the node certificate");
  set_name(X509_get_subject_name(cert.get()), node_id.empty() ? "node" : node_id);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, cert.get(), nullptr, nullptr, 0);
  add_ext(cert.get(), ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ctx, NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  add_ext(cert.get(), ctx, NID_authority_key_identifier, "keyid:always");
  if (X509_sign(cert.get(), ca_key, nullptr) <= 0)
    fail("cannot sign the node certificate");
  return cert;
}

// Written under a temporary name created 0600 (never readable by others, even briefly), then
// renamed over the old file.
template <class Write>
void write_pem(const std::filesystem::path& file, Write write) {
  auto tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0)
    throw std::runtime_error("cluster TLS: cannot write " + tmp.string());
  ::fchmod(fd, S_IRUSR | S_IWUSR);  // an older file may have had other bits
  bio_ptr bio{BIO_new_fd(fd, BIO_CLOSE)};
  if (!bio || write(bio.get()) != 1 || BIO_flush(bio.get()) != 1)
    fail("cannot write " + tmp.string());
  bio.reset();
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec)
    throw std::runtime_error("cluster TLS: cannot write " + file.string() + ": " + ec.message());
}

}  // namespace

tls_files make_node_credentials(std::string_view secret, std::string_view node_id,
                                const std::filesystem::path& dir) {
  if (secret.size() < min_cluster_secret_length)
    throw std::runtime_error("the cluster secret must have at least " +
                             std::to_string(min_cluster_secret_length) +
                             " characters (e.g. `openssl rand -hex 24`)");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), S_IRWXU) != 0)
    throw std::runtime_error("cluster TLS: cannot create " + dir.string());
  auto ca_key = derive_ca_key(secret);
  auto ca_cert = make_ca_cert(ca_key.get());
  auto node_key = new_node_key();
  auto node_cert = make_node_cert(ca_cert.get(), ca_key.get(), node_key.get(), node_id);
  auto base = std::filesystem::absolute(dir);
  tls_files files{base / "node.crt", base / "node.key", base / "ca.crt"};
  write_pem(files.key, [&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, node_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(files.certificate, [&](BIO* b) { return PEM_write_bio_X509(b, node_cert.get()); });
  write_pem(files.ca, [&](BIO* b) { return PEM_write_bio_X509(b, ca_cert.get()); });
  return files;
}

void configure_cluster_tls(caf::actor_system_config& cfg, const tls_files& files) {
  std::signal(SIGPIPE, SIG_IGN);
  // CAF requires peer certificates (SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT) on both ends once
  // any of these is set; with none set it would fall back to anonymous ciphers.
  cfg.openssl_certificate = files.certificate.string();
  cfg.openssl_key = files.key.string();
  cfg.openssl_cafile = files.ca.string();
  cfg.load<caf::openssl::manager>();
}

}  // namespace aethex::runtime
