#include "net/mail/mailer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include <caf/all.hpp>
#include <sodium.h>

#include "runtime/atoms.hpp"

namespace aethex::net::mail {
namespace {

constexpr long relay_timeout_s = 30;
constexpr std::size_t max_subject = 200;
constexpr std::size_t max_text = 64 * 1024;

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// The body with CRLF line ends, as SMTP requires (bare LF is refused by strict relays).
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r')
      continue;
    if (text[i] == '\n')
      out += "\r\n";
    else
      out += text[i];
  }
  return out;
}

std::string rfc5322_date(std::int64_t now_ms) {
  auto t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// The bare address inside "Name <addr>" or the whole text.
std::string envelope_address(std::string_view from) {
  auto open = from.find('<');
  auto close = from.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return std::string{from.substr(open + 1, close - open - 1)};
  return std::string{from};
}

struct upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* out, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<upload*>(user);
  auto n = std::min(size * count, u->data.size() - u->offset);
  std::copy_n(u->data.data() + u->offset, n, out);
  u->offset += n;
  return n;
}

}  // namespace

bool valid_address(std::string_view address) {
  if (address.empty() || address.size() > 254)
    return false;
  auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos)
    return false;
  return std::all_of(address.begin(), address.end(), [](char c) {
    return c > ' ' && c < 127 && c != '<' && c != '>' && c != ',' && c != ';' && c != '"';
  });
}

std::string render(const message& m, std::string_view from, std::int64_t now_ms) {
  std::string out;
  out += "From: " + std::string{from} + "\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: =?UTF-8?B?" + base64(m.subject) + "?=\r\n";
  out += "Date: " + rfc5322_date(now_ms) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n\r\n";
  out += crlf_lines(m.text);
  if (!out.ends_with("\r\n"))
    out += "\r\n";
  return out;
}

mailer::mailer(options opts) : opts_(std::move(opts)) {
  // Before the sending thread exists: libcurl's global setup is not safe to race.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!uses_relay() && !opts_.outbox.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opts_.outbox, ec);
    if (ec)
      throw std::runtime_error("mail: cannot create outbox '" + opts_.outbox.string() +
                               "': " + ec.message());
  }
  worker_ = std::thread{[this] { run(); }};
}

mailer::~mailer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  curl_global_cleanup();
}

bool mailer::send(message m) {
  std::lock_guard lock(mutex_);
  if (!valid_address(m.to) || has_line_break(m.subject) || m.subject.size() > max_subject ||
      m.text.size() > max_text || queue_.size() >= opts_.max_queued || stopping_) {
    ++stats_.dropped;
    return false;
  }
  queue_.push_back(std::move(m));
  wake_.notify_one();
  return true;
}

stats mailer::figures() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void mailer::run() {
  for (;;) {
    message next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    bool ok = deliver(next);
    std::lock_guard lock(mutex_);
    ++(ok ? stats_.sent : stats_.failed);
  }
}

bool mailer::deliver(const message& m) {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto text = render(m, opts_.from, now_ms);
  return uses_relay() ? deliver_smtp(m.to, text) : deliver_file(text);
}

bool mailer::deliver_smtp(const std::string& to, const std::string& text) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl)
    return false;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients{
    curl_slist_append(nullptr, ("<" + to + ">").c_str()), curl_slist_free_all};
  auto from = "<" + envelope_address(opts_.from) + ">";
  upload body{text};
  curl_easy_setopt(curl.get(), CURLOPT_URL, opts_.smtp_url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl.get(), CURLOPT_READDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, relay_timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  auto rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    // The reason only: the URL may carry the relay's password and the address is personal.
    std::clog << "mail: the SMTP relay did not take a message: " << curl_easy_strerror(rc)
              << std::endl;
    return false;
  }
  return true;
}

bool mailer::deliver_file(const std::string& text) {
  if (opts_.outbox.empty())
    return false;
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto name = std::to_string(now) + "-" + std::to_string(++files_written_) + ".eml";
  // Written under a temporary name and renamed, so a reader never sees half a message.
  auto final_path = opts_.outbox / name;
  auto temp_path = opts_.outbox / ("." + name + ".tmp");
  {
    std::ofstream out(temp_path, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::clog << "mail: cannot write to the outbox " << opts_.outbox << std::endl;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp_path, final_path, ec);
  return !ec;
}

caf::actor spawn_mail_service(caf::actor_system& sys, std::shared_ptr<mailer> m) {
  return sys.spawn([m](caf::event_based_actor*) -> caf::behavior {
    return {
      [m](mail_atom, std::string& to, std::string& subject, std::string& text) {
        m->send({std::move(to), std::move(subject), std::move(text)});
      },
    };
  });
}

}  // namespace aethex::net::mail
