#include "adjust/protocol/doctor_report.hpp"

#include <algorithm>

namespace adjust {
namespace {

const char* mark_of(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::pass:
      return "ok";
    case CheckOutcome::warn:
      return "warn";
    case CheckOutcome::fail:
      return "FAIL";
    case CheckOutcome::skip:
      return "skip";
  }
  return "?";
}

const char* outcome_name(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::pass:
      return "pass";
    case CheckOutcome::warn:
      return "warn";
    case CheckOutcome::fail:
      return "fail";
    case CheckOutcome::skip:
      return "skip";
  }
  return "?";
}

}  // namespace

DoctorCheck DoctorCheck::passed(std::string name, std::string detail, std::string component) {
  return {std::move(name), std::move(component), CheckOutcome::pass, std::move(detail), {}};
}

DoctorCheck DoctorCheck::warned(std::string name, std::string detail, std::string fix,
                                std::string component) {
  return {std::move(name), std::move(component), CheckOutcome::warn, std::move(detail), std::move(fix)};
}

DoctorCheck DoctorCheck::failed(std::string name, std::string detail, std::string fix,
                                std::string component) {
  return {std::move(name), std::move(component), CheckOutcome::fail, std::move(detail), std::move(fix)};
}

DoctorCheck DoctorCheck::skipped(std::string name, std::string why, std::string component) {
  return {std::move(name), std::move(component), CheckOutcome::skip, std::move(why), {}};
}

bool doctor_passed(const std::vector<DoctorCheck>& checks) {
  return std::none_of(checks.begin(), checks.end(), [](const DoctorCheck& check) {
    return check.outcome == CheckOutcome::fail || check.outcome == CheckOutcome::skip;
  });
}

std::string render_doctor_text(const std::vector<DoctorCheck>& checks) {
  std::string out;
  std::size_t failed = 0;
  std::size_t warned = 0;
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const DoctorCheck& check = checks[i];
    failed += check.outcome == CheckOutcome::fail ? 1 : 0;
    warned += check.outcome == CheckOutcome::warn ? 1 : 0;
    skipped += check.outcome == CheckOutcome::skip ? 1 : 0;
    // Checks skipped for the same reason share one line.
    std::string names = check.name;
    while (check.outcome == CheckOutcome::skip && i + 1 < checks.size() &&
           checks[i + 1].outcome == CheckOutcome::skip && checks[i + 1].component == check.component &&
           checks[i + 1].detail == check.detail) {
      names += ", " + checks[++i].name;
      ++skipped;
    }
    std::string mark = mark_of(check.outcome);
    out += mark + std::string(5 - mark.size(), ' ');
    if (!check.component.empty()) out += "component " + check.component + ": ";
    out += names + ": " + check.detail;
    if (!check.fix.empty()) out += " — fix: " + check.fix;
    out += '\n';
  }
  if (failed + skipped == 0) {
    out += "all " + std::to_string(checks.size()) + " checks passed";
    if (warned > 0) out += " (" + std::to_string(warned) + " with a warning)";
  } else {
    out += std::to_string(failed) + " of " + std::to_string(checks.size()) + " checks failed";
    if (skipped > 0) out += ", " + std::to_string(skipped) + " could not run";
  }
  // Read-only by design: what an adjustment changes is never tried here.
  out +=
      "; nothing was changed, and the permissions to change (ecs:RegisterTaskDefinition, "
      "ecs:UpdateService, ecs:DeregisterTaskDefinition, ecs:TagResource, "
      "application-autoscaling:RegisterScalableTarget) are not tried\n";
  return out;
}

nlohmann::ordered_json doctor_document(const std::vector<DoctorCheck>& checks) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& check : checks) {
    nlohmann::ordered_json entry = {{"check", check.name}};
    if (!check.component.empty()) entry["component"] = check.component;
    entry["ok"] = check.outcome == CheckOutcome::pass || check.outcome == CheckOutcome::warn;
    entry["outcome"] = outcome_name(check.outcome);
    entry["detail"] = check.detail;
    if (!check.fix.empty()) entry["fix"] = check.fix;
    list.push_back(std::move(entry));
  }
  return {{"ok", doctor_passed(checks)}, {"checks", std::move(list)}};
}

}  // namespace adjust
