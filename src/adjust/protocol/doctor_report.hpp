// adjust doctor's findings and how they are shown: one line per check for a
// person, or one JSON document (--json). Pure; the checks themselves are run
// by engine/doctor and cli/verb_doctor.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace adjust {

// warn: works, but not as well as it could (exit status still 0).
// skip: could not be checked because a check it depends on failed.
enum class CheckOutcome { pass, warn, fail, skip };

struct DoctorCheck {
  std::string name;       // "config", "credentials", "service", ...
  std::string component;  // empty for checks of the whole setup
  CheckOutcome outcome = CheckOutcome::pass;
  std::string detail;  // what was found
  std::string fix;     // what to do, when failed or warned

  static DoctorCheck passed(std::string name, std::string detail, std::string component = {});
  static DoctorCheck warned(std::string name, std::string detail, std::string fix,
                            std::string component = {});
  static DoctorCheck failed(std::string name, std::string detail, std::string fix,
                            std::string component = {});
  static DoctorCheck skipped(std::string name, std::string why, std::string component = {});
};

// True when no check failed (warnings and skips of optional checks are fine;
// a skip always follows a failure).
bool doctor_passed(const std::vector<DoctorCheck>& checks);

// "ok   config: ...", "FAIL component web: service: ... — fix: ...", then a summary line.
std::string render_doctor_text(const std::vector<DoctorCheck>& checks);

// {"ok": bool, "checks": [{"check", "component"?, "ok", "outcome", "detail", "fix"?}]}
nlohmann::ordered_json doctor_document(const std::vector<DoctorCheck>& checks);

}  // namespace adjust
