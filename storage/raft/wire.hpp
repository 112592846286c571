// Bytes of the Raft messages and configurations that travel between nodes (over the cluster's
// TLS links) and of the configurations kept in snapshots. libraft leaves both to its I/O
// backend; its own encoder belongs to its libuv backend, which we do not use.
//
// Format 1, all integers big-endian:
//   message       u8 format | u8 type | fields of the type (below) as be64 unless noted
//   entries       be32 count | count x (be64 term | be16 type | be64 size) | the data, in order
//   configuration be32 count | count x (be64 id | u8 role | be32 size | address)
#pragma once

#include <optional>
#include <string>
#include <string_view>

// libraft's header declares its C functions without extern "C".
extern "C" {
#include <raft.h>
}

namespace aethex::storage::raft {

std::string encode_message(const raft_message& message);

/// Decodes into `message` with memory owned the way libraft's recv callback expects (entries
/// array and their one batch, snapshot data and configuration from raft_malloc). False for
/// malformed bytes, with nothing left allocated. server_id/server_address are not set.
bool decode_message(std::string_view bytes, raft_message& message);

std::string encode_configuration(const raft_configuration& configuration);
/// Fills an initialised configuration; false (and nothing added) for malformed bytes.
bool decode_configuration(std::string_view bytes, raft_configuration& configuration);

}  // namespace aethex::storage::raft
