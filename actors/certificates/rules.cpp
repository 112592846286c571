// The pure parts of certificates: codes, the completion rule and the renderer's job.
#include <sodium.h>

#include <algorithm>
#include <cmath>

#include "actors/certificates/certificates.hpp"

namespace aethex::actors {

std::string new_certificate_code() {
  constexpr auto alphabet = certificate_limits::code_alphabet;
  std::string code;
  code.reserve(certificate_limits::code_length);
  // randombytes_uniform has no modulo bias, and the alphabet's 32 letters make 5 bits each.
  for (std::size_t i = 0; i < certificate_limits::code_length; ++i)
    code += alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
  return code;
}

bool valid_certificate_code(std::string_view code) {
  return code.size() == certificate_limits::code_length &&
         std::all_of(code.begin(), code.end(), [](char c) {
           return certificate_limits::code_alphabet.find(c) != std::string_view::npos;
         });
}

std::string normalise_certificate_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (code.size() > 2 * certificate_limits::code_length)
      break;  // far too long: invalid either way
    if (c == ' ' || c == '-')
      continue;
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O')
      c = '0';
    else if (c == 'I' || c == 'L')
      c = '1';
    code += c;
  }
  return code;
}

std::string completion_shortfall(const nlohmann::json& rule, const nlohmann::json& progress) {
  if (!progress.is_object() || !progress.value("enrolled", false))
    return "you are not enrolled in this course";
  double need = 100;
  bool all_modules = true;
  if (rule.is_object()) {
    if (auto it = rule.find("attendance_pct"); it != rule.end() && it->is_number())
      need = std::clamp(it->get<double>(), 0.0, 100.0);
    if (auto it = rule.find("all_modules"); it != rule.end() && it->is_boolean())
      all_modules = it->get<bool>();
  }
  if (auto lessons = progress.find("lessons");
      lessons != progress.end() && lessons->is_array() && lessons->empty())
    return "the course has no lessons yet";
  double have = 0;
  if (auto it = progress.find("attendance_pct"); it != progress.end() && it->is_number())
    have = it->get<double>();
  // A tenth of a percent of slack: 74.99999 from a division is 75.
  if (have + 1e-6 < need) {
    auto shown = std::to_string(static_cast<int>(std::floor(have)));
    return "attendance is " + shown + "%, the course asks for " +
           std::to_string(static_cast<int>(std::ceil(need))) + "%";
  }
  if (all_modules) {
    auto done = progress.value("modules_completed", std::int64_t{0});
    auto total = progress.value("modules_total", std::int64_t{0});
    if (done < total)
      return "modules completed: " + std::to_string(done) + " of " + std::to_string(total);
  }
  return {};
}

nlohmann::json certificate_render_job(const nlohmann::json& certificate, std::string_view url) {
  return nlohmann::json{{"code", certificate.value("code", "")},
                        {"name", certificate.value("display_name", "")},
                        {"course", certificate.value("title", "")},
                        {"issuer", certificate.value("issuer", "")},
                        {"issued_at_ms", certificate.value("issued_at_ms", std::int64_t{0})},
                        {"timezone", certificate.value("timezone", "UTC")},
                        {"url", std::string{url}}};
}

}  // namespace aethex::actors
