// The body of every response the server writes: text the response owns (JSON, pages,
// playlists), or immutable byte chunks shared with other responses and with the media pipeline.
//
// Why a body type of our own: Beast's string_body and vector_body own one contiguous buffer, so
// a live segment that a thousand players fetch would be joined from its parts and copied a
// thousand times (with a large malloc/free each). Shared chunks go out with one writev each,
// straight from the buffers the remuxer filled; a range of a memory file (live segments and
// parts) goes out with sendfile(2), without even the copy into the socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include "runtime/memory_file.hpp"

namespace aethex::net::http {

/// Bytes that many responses may send at once; never changed after they are shared.
using shared_bytes = std::shared_ptr<const std::vector<std::byte>>;

class payload {
 public:
  payload() = default;
  payload(std::string text) : text_(std::move(text)) {}  // NOLINT: as string_body's value was
  payload& operator=(std::string text);

  /// A payload of `chunks`, sent in order without copying.
  static payload shared(std::vector<shared_bytes> chunks);
  /// Bytes [offset, offset + size) of `file`, already appended (the server sends them with
  /// sendfile).
  static payload file_range(std::shared_ptr<const runtime::memory_file> file, std::size_t offset,
                            std::size_t size);

  /// The file and the offset into it for a file_range payload (its size is size()); null else.
  const runtime::memory_file* file() const { return file_.get(); }
  std::size_t file_offset() const { return window_first_; }

  std::size_t size() const { return chunks_.empty() && !file_ ? text_.size() : window_size_; }
  bool empty() const { return size() == 0; }
  /// Every byte as one string (a copy: for tests, validators and small bodies).
  std::string str() const;
  /// Keeps bytes [first, first + count) only (a byte range); both are clamped to the size.
  void keep_range(std::size_t first, std::size_t count);
  /// The bytes as buffers into this payload, valid while it lives unchanged (a file range is read
  /// into `scratch` first: for writers other than the server's, which sends files directly).
  std::vector<boost::asio::const_buffer> buffers(std::string& scratch) const;
  /// Appends the bytes as buffers into this payload to `out` (text or chunks, not a file range).
  void append_buffers(std::vector<boost::asio::const_buffer>& out) const;
  /// Header lines ("Name: value\r\n" each) that the server writes after the response's own
  /// fields. Answers that players ask for several times a second (playlists, segments) render
  /// theirs at once: each field set on a Beast response is an allocation of its own, freed again
  /// after the write. Only the server writes them (not Beast's serializer).
  void set_head_lines(std::string lines) { head_lines_ = std::move(lines); }
  const std::string& head_lines() const { return head_lines_; }
  /// Appends bytes read off a connection (text payloads only: a parsed response is text).
  void append(std::string_view bytes);

  friend bool operator==(const payload& p, std::string_view text) { return p.str() == text; }

 private:
  std::string text_;
  std::vector<shared_bytes> chunks_;  // empty and no file_: the payload is text_
  std::shared_ptr<const runtime::memory_file> file_;
  std::string head_lines_;
  std::size_t window_first_ = 0;  // of the chunks or the file, after keep_range
  std::size_t window_size_ = 0;
};

/// Beast's Body concept for payload (boost/beast/http/type_traits.hpp: is_body, has writer and
/// reader).
struct payload_body {
  using value_type = payload;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = std::vector<boost::asio::const_buffer>;

    template <bool is_request, class Fields>
    writer(const boost::beast::http::header<is_request, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }
    /// Everything at once: Beast writes it with the header in as few writev calls as it can.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      return std::pair{body_.buffers(scratch_), false};
    }

   private:
    const value_type& body_;
    std::string scratch_;
  };

  class reader {
   public:
    template <bool is_request, class Fields>
    reader(boost::beast::http::header<is_request, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer b = *it;
        body_.append({static_cast<const char*>(b.data()), b.size()});
        n += b.size();
      }
      return n;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace aethex::net::http
