// libFuzzer target: the same input goes through the AMF0 decoder, the chunk reader (whole and in
// fragments) and a full session that has already shaken hands, connected and is publishing.
#include "net/rtmp/amf0.hpp"
#include "net/rtmp/chunk_reader.hpp"
#include "net/rtmp/session.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace aethex::net;
using namespace aethex::net::rtmp;

struct null_sink : ingest::ingest_sink {
  std::size_t bytes = 0;
  int closes = 0;
  void write(std::span<const std::byte> b) override { bytes += b.size(); }
  void close(std::string) override {
    if (++closes > 1)
      __builtin_trap();  // the contract: exactly once
  }
};

const std::vector<std::uint8_t>& preamble() {
  // C0+C1, C2, connect, createStream, publish "k": leaves the session publishing on stream 1.
  static const std::vector<std::uint8_t> bytes = [] {
    std::vector<std::uint8_t> b(1 + 2 * handshake::packet_size, 0);
    b[0] = 3;
    chunk_writer w;
    using amf0::value;
    auto cmd = [&](std::uint32_t stream, std::vector<value> args) {
      w.write(3, msg_type::command_amf0, stream, 0, amf0::encode_all(args), b);
    };
    cmd(0, {value::string("connect"), value::number(1),
            value::object({{"app", value::string("live")}})});
    cmd(0, {value::string("createStream"), value::number(2), value::null()});
    cmd(1, {value::string("publish"), value::number(3), value::null(), value::string("k")});
    return b;
  }();
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in{data, size};

  (void)amf0::decode_all(in);

  {
    chunk_reader_limits lim;
    lim.max_message_size = 1 << 20;
    chunk_reader whole{lim}, split{lim};
    std::vector<message> a, b;
    const bool ok_whole = whole.feed(in, a).ok();
    bool ok_split = true;
    const std::size_t step = size ? 1 + data[0] % 7 : 1;
    for (std::size_t pos = 0; pos < size && ok_split; pos += step)
      ok_split = split.feed(in.subspan(pos, std::min(step, size - pos)), b).ok();
    // Fragmentation must not change the outcome.
    if (ok_whole != ok_split || (ok_whole && a.size() != b.size()))
      __builtin_trap();
    for (std::size_t i = 0; ok_whole && i < a.size(); ++i)
      if (a[i].payload != b[i].payload || a[i].timestamp != b[i].timestamp)
        __builtin_trap();
  }

  {
    auto sink = std::make_shared<null_sink>();
    session_options opt;
    opt.limits.max_message_size = 1 << 20;
    session s{"fuzz:0", opt};
    if (!s.receive(preamble()).ok())
      __builtin_trap();
    for (auto& ev : s.take_events())
      if (auto* req = std::get_if<publish_requested>(&ev))
        s.accept_publish(req->id, sink);
    if (!s.publishing())
      __builtin_trap();
    (void)s.receive(in);
    for (auto& ev : s.take_events())
      if (auto* req = std::get_if<publish_requested>(&ev))
        s.accept_publish(req->id, sink);
    (void)s.take_output();
    s.close("fuzz done");
    if (sink->closes != 1)
      __builtin_trap();
  }
  return 0;
}
