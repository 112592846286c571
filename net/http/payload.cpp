#include "net/http/payload.hpp"

#include <algorithm>

namespace aethex::net::http {

payload& payload::operator=(std::string text) {
  text_ = std::move(text);  // the head lines stay: they describe the answer, not its bytes
  chunks_.clear();
  file_.reset();
  window_first_ = window_size_ = 0;
  return *this;
}

payload payload::shared(std::vector<shared_bytes> chunks) {
  std::erase_if(chunks, [](const shared_bytes& c) { return !c || c->empty(); });
  payload out;
  for (const auto& c : chunks)
    out.window_size_ += c->size();
  out.chunks_ = std::move(chunks);
  return out;
}

payload payload::file_range(std::shared_ptr<const runtime::memory_file> file, std::size_t offset,
                            std::size_t size) {
  payload out;
  if (!file || size == 0)
    return out;
  out.file_ = std::move(file);
  out.window_first_ = offset;
  out.window_size_ = size;
  return out;
}

std::string payload::str() const {
  if (file_)
    return file_->read(window_first_, window_size_);
  if (chunks_.empty())
    return text_;
  std::string out;
  out.reserve(window_size_);
  std::string unused;
  for (auto b : buffers(unused))
    out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

void payload::keep_range(std::size_t first, std::size_t count) {
  first = std::min(first, size());
  count = std::min(count, size() - first);
  if (chunks_.empty() && !file_) {
    text_ = text_.substr(first, count);
    return;
  }
  window_first_ += first;
  window_size_ = count;
}

std::vector<boost::asio::const_buffer> payload::buffers(std::string& scratch) const {
  std::vector<boost::asio::const_buffer> out;
  if (file_) {
    scratch = str();
    out.emplace_back(scratch.data(), scratch.size());
    return out;
  }
  append_buffers(out);
  return out;
}

void payload::append_buffers(std::vector<boost::asio::const_buffer>& out) const {
  if (chunks_.empty()) {
    if (!text_.empty())
      out.emplace_back(text_.data(), text_.size());
    return;
  }
  std::size_t skip = window_first_, left = window_size_;
  for (const auto& c : chunks_) {
    if (left == 0)
      break;
    if (skip >= c->size()) {
      skip -= c->size();
      continue;
    }
    const auto n = std::min(c->size() - skip, left);
    out.emplace_back(c->data() + skip, n);
    left -= n;
    skip = 0;
  }
}

void payload::append(std::string_view bytes) {
  if (!chunks_.empty() || file_)
    *this = str();
  text_.append(bytes);
}

}  // namespace aethex::net::http
