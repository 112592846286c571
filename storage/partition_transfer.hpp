// Whole streams copied between nodes' stores when their partition changes owner: the old owner
// exports them into one byte blob, the new owner imports it (same seq numbers, timestamps and
// snapshots), and the old owner removes its copy once ownership has flipped.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "storage/event_store.hpp"

namespace aethex::storage {

/// Which streams to copy or remove (e.g. those of one partition).
using stream_filter = std::function<bool(std::string_view stream)>;

struct transfer_summary {
  std::size_t streams = 0;
  std::size_t events = 0;
};

/// Every event and snapshot of the streams `wanted` accepts, encoded into one blob.
std::string export_streams(event_store& store, const stream_filter& wanted);

/// Writes the streams of an exported blob, replacing any stale local copy of them. Throws
/// std::runtime_error on a malformed blob, a failed write, or a local copy with more events
/// than the blob's (streams before it are written); importing twice gives one copy.
transfer_summary import_streams(event_store& store, std::string_view blob);

/// Deletes the streams `wanted` accepts.
std::size_t remove_streams(event_store& store, const stream_filter& wanted);

}  // namespace aethex::storage
