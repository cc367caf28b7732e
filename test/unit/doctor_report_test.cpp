// adjust doctor's report: the text a person reads and the document --json prints.
#include "adjust/protocol/doctor_report.hpp"

#include <gtest/gtest.h>

namespace adjust {
namespace {

std::vector<DoctorCheck> failing_cluster() {
  return {
      DoctorCheck::passed("config", "config.yaml: 1 component(s)"),
      DoctorCheck::warned("service deployments", "denied", "allow ecs:ListServiceDeployments", "api"),
      DoctorCheck::failed("cluster", "cluster demo not found in region us-west-2", "check the region", "web"),
      DoctorCheck::skipped("service", "not checked: cluster failed", "web"),
      DoctorCheck::skipped("tasks", "not checked: cluster failed", "web"),
      DoctorCheck::skipped("service", "not checked: cluster failed", "db")};
}

TEST(DoctorReport, OneLinePerCheckWithItsMarkAndFixSkipsForOneReasonShareALine) {
  EXPECT_EQ(
      render_doctor_text(failing_cluster()),
      "ok   config: config.yaml: 1 component(s)\n"
      "warn component api: service deployments: denied — fix: allow ecs:ListServiceDeployments\n"
      "FAIL component web: cluster: cluster demo not found in region us-west-2 — fix: check the region\n"
      "skip component web: service, tasks: not checked: cluster failed\n"
      "skip component db: service: not checked: cluster failed\n"
      "1 of 6 checks failed, 3 could not run; nothing was changed, and the permissions to change "
      "(ecs:RegisterTaskDefinition, ecs:UpdateService, ecs:DeregisterTaskDefinition, ecs:TagResource, "
      "application-autoscaling:RegisterScalableTarget) are not tried\n");
}

TEST(DoctorReport, WarningsStillPass) {
  std::vector<DoctorCheck> checks = {DoctorCheck::passed("config", "ok"),
                                     DoctorCheck::warned("service deployments", "denied", "allow it", "web")};
  EXPECT_TRUE(doctor_passed(checks));
  EXPECT_TRUE(render_doctor_text(checks).ends_with(
      "all 2 checks passed (1 with a warning); nothing was changed, and the permissions to change "
      "(ecs:RegisterTaskDefinition, ecs:UpdateService, ecs:DeregisterTaskDefinition, ecs:TagResource, "
      "application-autoscaling:RegisterScalableTarget) are not tried\n"));
  EXPECT_FALSE(doctor_passed(failing_cluster()));
}

TEST(DoctorReport, TheJsonDocumentListsEveryCheckWithItsOutcome) {
  auto document = doctor_document(failing_cluster());
  EXPECT_EQ(document.at("ok"), false);
  ASSERT_EQ(document.at("checks").size(), 6U);
  EXPECT_EQ(document["checks"][0].dump(),
            R"j({"check":"config","ok":true,"outcome":"pass","detail":"config.yaml: 1 component(s)"})j");
  EXPECT_EQ(document["checks"][1].dump(),
            R"({"check":"service deployments","component":"api","ok":true,"outcome":"warn","detail":"denied",)"
            R"("fix":"allow ecs:ListServiceDeployments"})");
EXPECT_EQ(document["checks"][2]["outcome"], "fail");
EXPECT_EQ(document["checks"][2]["ok"], false);
EXPECT_EQ(
    document["checks"][4].dump(),
    R"({"check":"tasks","component":"web","ok":false,"outcome":"skip","detail":"not checked: cluster failed"})");
}

}  // namespace
}  // namespace adjust
