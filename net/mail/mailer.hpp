// Outgoing e-mail for notifications: an SMTP relay reached through libcurl (smtp:// or
// smtps://; credentials in the URL's user info, STARTTLS when the relay offers it), or, when no
// relay is configured, a file outbox (one RFC 5322 message per .eml file) that needs no server.
//
// Why libcurl and not our own client: SMTP's dialogue, dot-stuffing, STARTTLS and AUTH are all
// done there and well tested. Sending blocks, so one thread of the mailer's own works through a
// bounded queue: a slow or absent relay never holds up an actor, and mail that does not fit the
// queue is dropped and counted. Addresses and the relay URL are never logged.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::net::mail {

struct message {
  std::string to;  // one address, e.g. "ada@example.org"
  std::string subject;
  std::string text;  // plain text, UTF-8
};

struct options {
  std::string smtp_url;  // e.g. "smtp://127.0.0.1:2525"; empty: write to `outbox`
  std::string from = "AeThex LIVE <notifications@localhost>";
  std::filesystem::path outbox;  // folder of .eml files when there is no relay
  std::size_t max_queued = 10000;
};

struct stats {
  std::uint64_t sent = 0;     // accepted by the relay or written to the outbox
  std::uint64_t failed = 0;   // the relay refused or could not be reached
  std::uint64_t dropped = 0;  // the queue was full, or the message was malformed
};

/// True for a plain address: local@domain, printable ASCII, no spaces, angle brackets or line
/// breaks (which would let a value inject headers or SMTP commands).
bool valid_address(std::string_view address);

/// The message as RFC 5322 text: CRLF lines, the UTF-8 subject as an RFC 2047 encoded word,
/// the body as UTF-8 (8bit). Lines starting with '.' stay as they are: libcurl stuffs them.
std::string render(const message& m, std::string_view from, std::int64_t now_ms);

class mailer {
 public:
  explicit mailer(options opts);
  ~mailer();  // sends what is queued, then stops
  mailer(const mailer&) = delete;
  mailer& operator=(const mailer&) = delete;

  /// Queues `m`; false (and counted as dropped) when the queue is full or the message invalid.
  bool send(message m);
  stats figures() const;
  bool uses_relay() const { return !opts_.smtp_url.empty(); }

 private:
  void run();
  bool deliver(const message& m);
  bool deliver_smtp(const std::string& to, const std::string& text);
  bool deliver_file(const std::string& text);

  options opts_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<message> queue_;
  stats stats_;
  std::uint64_t files_written_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

/// An actor in front of `m` for domains (actors/ never sees libcurl):
/// (mail_atom, to, subject, text) queues a message.
caf::actor spawn_mail_service(caf::actor_system& sys, std::shared_ptr<mailer> m);

}  // namespace aethex::net::mail
