#include "tests/e2e/support/node_fixture.hpp"

#include <fstream>

#include <csignal>
#include <stdexcept>

namespace aethex::test {

std::filesystem::path output_dir(const std::string& suite) {
  auto dir = std::filesystem::path{AETHEX_TEST_OUTPUT_DIR} / suite;
  std::filesystem::create_directories(dir);
  return dir;
}

test_node::test_node(const std::string& name, std::vector<std::string> extra_args,
                     std::filesystem::path data) {
  owns_data_ = data.empty();
  data_dir = owns_data_ ? fresh_temp_dir("aethex-" + name) : std::move(data);
  out_dir = output_dir(name);
  http_port = free_tcp_port();
  rtmp_port = free_tcp_port();
  srt_port = free_udp_port();
  std::vector<std::string> argv{AETHEX_BINARY,   "serve",
                                "--data",        data_dir.string(),
                                "--bind",        "127.0.0.1",
                                "--http-port",   std::to_string(http_port),
                                "--rtmp-port",   std::to_string(rtmp_port),
                                "--srt-port",    std::to_string(srt_port),
                                "--cluster-port", "0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<child_process>(argv, out_dir / "node.log");
  bool ready = eventually(
    [this] {
      auto log = process_->log();
      return log.find("ready: http") != std::string::npos &&
             log.find("ready: rtmp") != std::string::npos &&
             log.find("ready: srt") != std::string::npos;
    },
    std::chrono::seconds(15));
  if (!ready)
    throw std::runtime_error("node did not become ready:\n" + process_->log());
}

test_node::~test_node() {
  stop();
  std::error_code ec;
  if (owns_data_)
    std::filesystem::remove_all(data_dir, ec);
}

std::string test_node::create_channel(const std::string& name) {
  auto result = run({AETHEX_BINARY, "channel", "create", name, "--connect",
                     "127.0.0.1:" + std::to_string(http_port), "--data", data_dir.string()},
                    std::chrono::seconds(15));
  if (result.status != 0)
    throw std::runtime_error("channel create failed: " + result.output);
  auto key = result.output;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  return key;
}

app::http_result test_node::get(const std::string& target) const {
  return app::http_call("127.0.0.1:" + std::to_string(http_port), "GET", target, "", "");
}

std::string test_node::rtmp_url(const std::string& key) const {
  return "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/" + key;
}

std::string test_node::srt_url(const std::string& streamid, const std::string& query) const {
  return "srt://127.0.0.1:" + std::to_string(srt_port) + "?streamid=" + streamid +
         "&latency=120000" + query;
}

std::string test_node::http_base() const {
  return "http://127.0.0.1:" + std::to_string(http_port);
}

std::optional<int> test_node::stop() {
  if (!process_)
    return std::nullopt;
  process_->signal(SIGTERM);
  return process_->wait(std::chrono::seconds(15));
}

void test_node::kill() {
  if (!process_)
    return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
}

std::vector<std::string> ffmpeg_publish_args(const std::string& url, int seconds,
                                             const std::string& size) {
  return {"ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
          "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=30",
          "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
          "-t", std::to_string(seconds),
          "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
          "-g", "30", "-c:a", "aac", "-b:a", "128k", "-f", "flv", url};
}

std::string admin_token(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::string token;
  in >> token;
  return token;
}

}  // namespace aethex::test
