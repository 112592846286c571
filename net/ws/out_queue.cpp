#include "net/ws/out_queue.hpp"

#include <algorithm>

#include "net/ws/ws_frame.hpp"

namespace aethex::net::ws {

namespace asio = boost::asio;

void out_queue::push_started(shared_frame frame, std::size_t sent) {
  item w;
  w.head_len = frame_head(w.head, opcode::text, frame->size());
  w.payload = std::move(frame);
  w.sealed = true;
  w.sent = sent;
  bytes_ += w.size() - sent;
  items_.push_back(std::move(w));
}

void out_queue::push(shared_frame frame) {
  item w;
  w.payload = std::move(frame);
  bytes_ += w.size();
  items_.push_back(std::move(w));
}

void out_queue::push_raw(std::string bytes) {
  item w;
  w.raw = std::move(bytes);
  w.sealed = true;
  bytes_ += w.size();
  items_.push_back(std::move(w));
}

// Each run of unsealed frames becomes one message: a single frame as it is, several as a JSON
// array (a queued batch is spliced in without its brackets). Messages stay under 256 KiB.
void out_queue::seal() {
  constexpr std::size_t max_message = 256 * 1024;
  auto inner = [](const item& w) { return w.payload->size() - (is_batch(*w.payload) ? 2 : 0); };
  for (std::size_t i = 0; i < items_.size();) {
    if (items_[i].sealed) {
      ++i;
      continue;
    }
    std::size_t j = i, len = 0;
    for (; j < items_.size() && !items_[j].sealed; ++j) {
      if (j > i && len + inner(items_[j]) + 1 > max_message)
        break;
      len += inner(items_[j]) + 1;  // with its ',' or ']'
    }
    for (auto k = i; k < j; ++k) {
      auto& w = items_[k];
      bytes_ -= w.size();
      w.sealed = true;
      if (j - i == 1) {
        w.head_len = frame_head(w.head, opcode::text, w.payload->size());
      } else {
        w.trim = is_batch(*w.payload);
        if (k == i) {
          w.head_len = frame_head(w.head, opcode::text, len + 1);
          w.head[w.head_len++] = '[';
        }
        w.tail = k + 1 == j ? ']' : ',';
        w.tail_len = 1;
      }
      bytes_ += w.size();
    }
    i = j;
  }
}

std::size_t out_queue::gather(buffers& out) {
  seal();
  out = buffers{};
  std::size_t n = 0, total = 0;
  for (auto& w : items_) {
    if (n + 3 > out.size())
      break;
    std::size_t skip = w.sent;
    auto add = [&](asio::const_buffer b) {
      if (skip >= b.size()) {
        skip -= b.size();
        return;
      }
      out[n++] = b + skip;
      total += b.size() - skip;
      skip = 0;
    };
    if (w.payload) {
      add(asio::buffer(w.head.data(), w.head_len));
      add(asio::buffer(w.payload->data() + (w.trim ? 1 : 0), w.body()));
      add(asio::buffer(&w.tail, w.tail_len));
    } else {
      add(asio::buffer(w.raw));
    }
  }
  return total;
}

void out_queue::consume(std::size_t written) {
  bytes_ -= std::min(bytes_, written);
  std::size_t done = 0;
  for (auto& w : items_) {
    auto left = w.size() - w.sent;
    if (written < left) {
      w.sent += written;
      break;
    }
    written -= left;
    ++done;
  }
  items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(done));
  if (items_.empty() && items_.capacity() > 16)
    clear();
}

void out_queue::clear() {
  std::vector<item>{}.swap(items_);
  bytes_ = 0;
}

}  // namespace aethex::net::ws
