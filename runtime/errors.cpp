#include "runtime/errors.hpp"

#include <array>

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace aethex {
namespace {

struct error_row {
  errc code;
  const char* name;
  unsigned http_status;
};

// The one table from domain errors to what clients see.
constexpr std::array<error_row, 11> error_table{{
  {errc::invalid_argument, "invalid_argument", 400},
  {errc::unauthorized, "unauthorized", 401},
  {errc::forbidden, "forbidden", 403},
  {errc::not_found, "not_found", 404},
  {errc::conflict, "conflict", 409},
  {errc::unavailable, "unavailable", 503},
  {errc::internal, "internal", 500},
  {errc::invalid_json, "invalid_json", 400},
  {errc::rate_limited, "rate_limited", 429},
  {errc::payload_too_large, "payload_too_large", 413},
  {errc::unsupported_media_type, "unsupported_media_type", 415},
}};

const error_row& row_of(errc code) {
  for (auto& row : error_table)
    if (row.code == code)
      return row;
  return error_table[static_cast<std::size_t>(errc::internal) - 1];
}

bool ours(const caf::error& err) {
  return err.category() == error_category && err.code() >= 1 && err.code() <= error_table.size();
}

}  // namespace

errc code_of(const caf::error& err) {
  if (ours(err))
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system") &&
      err.code() == static_cast<std::uint8_t>(caf::sec::request_timeout))
    return errc::unavailable;
  return errc::internal;
}

std::string message_of(const caf::error& err) {
  auto& context = err.context();
  if (err.category() == error_category && context.size() >= 1 &&
      context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  if (err.category() == caf::atom("system"))
    return "internal error (" + caf::to_string(static_cast<caf::sec>(err.code())) + ")";
  return "internal error";
}

std::string reason_of(const caf::error& err) {
  auto& context = err.context();
  if (ours(err) && context.size() >= 2 && context.match_element<std::string>(1) &&
      !context.get_as<std::string>(1).empty())
    return context.get_as<std::string>(1);
  return to_string(code_of(err));
}

std::uint32_t retry_after_of(const caf::error& err) {
  auto& context = err.context();
  if (ours(err) && context.size() >= 3 && context.match_element<std::uint32_t>(2))
    return context.get_as<std::uint32_t>(2);
  return 0;
}

const char* to_string(errc code) { return row_of(code).name; }

unsigned http_status_of(errc code) { return row_of(code).http_status; }

}  // namespace aethex
