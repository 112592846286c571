// Certificates of course completion (docs/education.md, section Certificates): the
// certificate/<code> entity, the certificates/<course> index that keeps one code per (course,
// user) ever, the completion rule, and the job the certificate renderer (media/certificate_pdf,
// service_names::certificate_renderer) draws as a PDF.
//
// certificate/<code> events (JSON, schema 1): certificate.issued {"code","course","title","user",
// "display_name","issuer","timezone"}, certificate.revoked {"reason","by"}.
// certificates/<course> events: certificates.assigned {"user","code"}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using cert_issue_atom = caf::atom_constant<caf::atom("certissue")>;
using cert_get_atom = caf::atom_constant<caf::atom("certget")>;
using cert_revoke_atom = caf::atom_constant<caf::atom("certrevoke")>;
using cert_assign_atom = caf::atom_constant<caf::atom("certassign")>;
using cert_reassign_atom = caf::atom_constant<caf::atom("certreasgn")>;
using cert_codes_atom = caf::atom_constant<caf::atom("certcodes")>;
/// To the renderer: (cert_render_atom, job JSON text) → the PDF's bytes (std::string).
using cert_render_atom = caf::atom_constant<caf::atom("certrender")>;

namespace certificate_limits {
inline constexpr std::size_t code_length = 12;
/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed is not
/// mistaken (60 random bits per code).
inline constexpr std::string_view code_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Certificates one course gives at most: one per student, and a course has at most 10 000.
inline constexpr std::size_t per_course_max = 10'000;
inline constexpr std::size_t reason_max = 500;        // code points
inline constexpr std::size_t display_name_max = 200;  // code points kept on the certificate
}  // namespace certificate_limits

/// A new code from libsodium's CSPRNG.
std::string new_certificate_code();
/// Whether `code` is 12 characters of the alphabet.
bool valid_certificate_code(std::string_view code);
/// A typed code made canonical: upper case, spaces and dashes dropped, O read as 0, I and L as
/// 1; returned whether valid or not (check with valid_certificate_code).
std::string normalise_certificate_code(std::string_view typed);

/// The completion rule of a course {"attendance_pct": 0–100, "all_modules": bool} (missing
/// fields: 100 and true) checked against a student's progress (actors/courses/courses.hpp):
/// enrolled, attendance_pct ≥ the rule's, and every module completed when all_modules.
/// Returns "" when met, else why not (shown to the student).
std::string completion_shortfall(const nlohmann::json& rule, const nlohmann::json& progress);

/// Protocol of certificate/<code>. Certificate JSON: {"code","course","title","user",
/// "display_name","issuer","timezone","issued_at_ms","revoked","reason","revoked_by",
/// "revoked_at_ms"}.
///  (cert_issue_atom, details JSON {"course","title","user","display_name","issuer",
///   "timezone"}) → certificate; idempotent for the same course and user; conflict
///   (reason code_taken) when the code holds another's certificate; invalid_argument
///  (cert_get_atom) → certificate | not_found
///  (cert_revoke_atom, by, reason) → certificate | not_found | conflict (already revoked)
struct certificate_protocol {
  static constexpr std::string_view kind = "certificate";
  static std::string reply_to(cert_issue_atom, std::string details);
  static std::string reply_to(cert_get_atom);
  static std::string reply_to(cert_revoke_atom, std::string by, std::string reason);
};

/// Protocol of certificates/<course>: which code each user of the course holds (once given a
/// code, a user keeps it for ever, revoked or not).
///  (cert_assign_atom, user) → {"user","code","new": bool} | conflict (reason course_full)
///  (cert_reassign_atom, user, code) → a fresh code when `code` is the user's (its certificate
///    id was taken by another; practically never)
///  (cert_codes_atom) → {"course","certificates":[{"user","code"}]}
struct certificate_index_protocol {
  static constexpr std::string_view kind = "certificates";
  static std::string reply_to(cert_assign_atom, std::string user);
  static std::string reply_to(cert_reassign_atom, std::string user, std::string code);
  static std::string reply_to(cert_codes_atom);
};

void add_certificate_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                           const runtime::clock& clock = runtime::system_clock());

/// What the renderer draws (JSON): {"code","name","course","issuer","issued_at_ms","timezone",
/// "url"}; the date is the day of issued_at_ms in the IANA zone `timezone` (UTC when unknown).
nlohmann::json certificate_render_job(const nlohmann::json& certificate, std::string_view url);

}  // namespace aethex::actors
