#include "runtime/errors.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace aethex {

errc code_of(const caf::error& err) {
  if (err.category() == error_category && err.code() >= 1 &&
      err.code() <= static_cast<std::uint8_t>(errc::internal))
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system") &&
      err.code() == static_cast<std::uint8_t>(caf::sec::request_timeout))
    return errc::unavailable;
  return errc::internal;
}

std::string message_of(const caf::error& err) {
  if (err.category() == error_category && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  if (err.category() == caf::atom("system"))
    return "internal error (" + caf::to_string(static_cast<caf::sec>(err.code())) + ")";
  return "internal error";
}

const char* to_string(errc code) {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace aethex
