// A latency histogram of fixed-width buckets for the load generators (chat, viewers): Buckets
// buckets of 1/PerSecond s each; values beyond the last land in it. Header-only because each
// generator is one translation unit built by its run script with plain g++.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace bench {

template <std::size_t Buckets, std::int64_t PerSecond>
struct latency_histogram {
  std::vector<std::uint32_t> buckets = std::vector<std::uint32_t>(Buckets, 0);
  std::uint64_t count = 0;
  double max = 0;  // seconds

  void add_seconds(double s) {
    auto b = std::clamp<std::int64_t>(static_cast<std::int64_t>(s * PerSecond), 0,
                                      static_cast<std::int64_t>(Buckets) - 1);
    ++buckets[static_cast<std::size_t>(b)];
    ++count;
    max = std::max(max, s);
  }
  void merge(const latency_histogram& o) {
    for (std::size_t i = 0; i < Buckets; ++i)
      buckets[i] += o.buckets[i];
    count += o.count;
    max = std::max(max, o.max);
  }
  double percentile_ms(double p) const {
    if (!count)
      return 0;
    auto target = static_cast<std::uint64_t>(p * static_cast<double>(count));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < Buckets; ++i) {
      seen += buckets[i];
      if (seen > target)
        return static_cast<double>(i) * 1000.0 / PerSecond;
    }
    return static_cast<double>(Buckets) * 1000.0 / PerSecond;
  }
};

}  // namespace bench
