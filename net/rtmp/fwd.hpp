// Forward declarations for the RTMP ingest library.
#pragma once

namespace aethex::net::rtmp {

struct error;
template <class T>
class result;
struct message;
class chunk_reader;
class chunk_writer;
class handshake;
struct session_options;
class session;
struct server_options;
class server;

namespace amf0 {
class value;
struct property;
}  // namespace amf0

}  // namespace aethex::net::rtmp
