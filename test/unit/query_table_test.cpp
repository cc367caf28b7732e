// The --query table for a person: columns aligned over every row, the
// service's standing beside the component, pinned settings marked.
#include <gtest/gtest.h>

#include "adjust/protocol/query_table.hpp"

namespace adjust::testing {
namespace {

TEST(QueryTable, RendersStandingAndAlignedSettings) {
  auto components = nlohmann::ordered_json::parse(R"({
    "api": {"settings": {
      "cpu": {"pinned": true, "type": "enum", "unit": "vCPU", "value": "1", "values": ["0.5", "1"]},
      "replicas": {"max": 12, "min": 2, "pinned": false, "type": "range", "value": 4}}},
    "worker": {"settings": {}}
  })");
  ServiceStanding api{"api in prod", "api:41", 4, 3, true, "BLUE_GREEN", std::pair{2, 12}};
  EXPECT_EQ(render_query_table(components, {{"api", api}}),
            "api  (service api in prod: api:41, 3/4 running, a deployment in progress, BLUE_GREEN, "
            "autoscaled 2 to 12)\n"
            "  SETTING   VALUE  UNIT  ALLOWED  PINNED\n"
            "  cpu       1      vCPU  0.5, 1   yes\n"
            "  replicas  4            2 to 12  no\n"
            "\n"
            "worker\n"
            "  SETTING  VALUE  UNIT  ALLOWED  PINNED\n");
}

}  // namespace
}  // namespace adjust::testing
