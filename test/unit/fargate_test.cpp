#include "adjust/model/fargate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace adjust {
namespace {

// The AWS table (ecs-and-elb.md §1), written out pair by pair.
const std::vector<std::pair<int, int>>& expected_pairs() {
  static const std::vector<std::pair<int, int>> pairs = [] {
    std::vector<std::pair<int, int>> out{{256, 512}, {256, 1024}, {256, 2048}};
    for (int mib : {1024, 2048, 3072, 4096}) out.emplace_back(512, mib);
    for (int gib = 2; gib <= 8; ++gib) out.emplace_back(1024, gib * 1024);
    for (int gib = 4; gib <= 16; ++gib) out.emplace_back(2048, gib * 1024);
    for (int gib = 8; gib <= 30; ++gib) out.emplace_back(4096, gib * 1024);
    for (int gib = 16; gib <= 60; gib += 4) out.emplace_back(8192, gib * 1024);
    for (int gib = 32; gib <= 120; gib += 8) out.emplace_back(16384, gib * 1024);
    return out;
  }();
  return pairs;
}

TEST(FargateTest, ThereAre74Pairs) {
  EXPECT_EQ(expected_pairs().size(), 74u);
  ASSERT_EQ(fargate_sizes().size(), 74u);
  std::vector<std::pair<int, int>> actual;
  for (const auto& size : fargate_sizes()) {
    actual.emplace_back(size.cpu_units, size.memory_mib);
  }
  EXPECT_EQ(actual, expected_pairs());
}

TEST(FargateTest, EveryTablePairIsValid) {
  for (auto [cpu, memory] : expected_pairs()) {
    EXPECT_TRUE(is_valid_fargate_size(cpu, memory)) << cpu << "/" << memory;
    EXPECT_TRUE(is_valid_fargate_cpu(cpu));
    EXPECT_TRUE(is_valid_fargate_memory(memory));
  }
}

TEST(FargateTest, EveryOtherCombinationIsInvalid) {
  std::set<std::pair<int, int>> valid(expected_pairs().begin(), expected_pairs().end());
  int checked = 0;
  for (int cpu : {128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096, 8192, 16384, 32768}) {
    for (int mib = 256; mib <= 131072; mib += 256) {
      if (!valid.contains({cpu, mib})) {
        EXPECT_FALSE(is_valid_fargate_size(cpu, mib)) << cpu << "/" << mib;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(FargateTest, SomeInvalidPairs) {
  EXPECT_FALSE(is_valid_fargate_size(256, 4096));     // 0.25 vCPU + 4 GiB
  EXPECT_FALSE(is_valid_fargate_size(512, 512));      // 0.5 GiB only with 0.25 vCPU
  EXPECT_FALSE(is_valid_fargate_size(1024, 1536));    // no half GiB above 0.5
  EXPECT_FALSE(is_valid_fargate_size(8192, 18432));   // 18 GiB: 8 vCPU steps by 4
  EXPECT_FALSE(is_valid_fargate_size(16384, 36864));  // 36 GiB: 16 vCPU steps by 8
  EXPECT_FALSE(is_valid_fargate_size(768, 2048));     // 0.75 vCPU does not exist
  EXPECT_FALSE(is_valid_fargate_cpu(768));
  EXPECT_FALSE(is_valid_fargate_memory(1536));
  EXPECT_FALSE(is_valid_fargate_memory(31 * 1024));
  EXPECT_TRUE(is_valid_fargate_memory(36 * 1024));  // with 8 vCPU
}

TEST(FargateTest, AllowedMemory) {
  EXPECT_EQ(allowed_memory_mib(256), (std::vector<int>{512, 1024, 2048}));
  EXPECT_EQ(allowed_memory_mib(512), (std::vector<int>{1024, 2048, 3072, 4096}));
  EXPECT_EQ(allowed_memory_mib(4096).size(), 23u);
  EXPECT_EQ(allowed_memory_mib(8192).size(), 12u);
  EXPECT_EQ(allowed_memory_mib(16384).size(), 12u);
  EXPECT_TRUE(allowed_memory_mib(300).empty());
  EXPECT_EQ(allowed_cpu_units(2048), (std::vector<int>{256, 512, 1024}));
  EXPECT_EQ(allowed_cpu_units(32768), (std::vector<int>{8192, 16384}));
}

TEST(FargateTest, DescribeAllowedMemory) {
  EXPECT_EQ(describe_allowed_memory(256), "0.25 vCPU allows 0.5, 1, 2 GiB");
  EXPECT_EQ(describe_allowed_memory(512), "0.5 vCPU allows 1, 2, 3, 4 GiB");
  EXPECT_EQ(describe_allowed_memory(16384),
            "16 vCPU allows 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120 GiB");
  EXPECT_EQ(describe_allowed_memory(768),
            "0.75 vCPU is not a Fargate size; valid cpu values are 0.25, 0.5, 1, 2, 4, 8, 16 vCPU");
}

TEST(FargateTest, Conversions) {
  struct Case {
    double value;
    std::optional<int> scaled;
  };
  for (const auto& test : std::vector<Case>{{0.25, 256},
                                            {0.5, 512},
                                            {1, 1024},
                                            {1.5, 1536},
                                            {16, 16384},
                                            {120, 122880},
                                            {0.1, std::nullopt},
                                            {0.3, std::nullopt},
                                            {0, std::nullopt},
                                            {-1, std::nullopt},
                                            {0.1 + 0.15, 256}}) {  // float noise still rounds
    EXPECT_EQ(vcpu_to_units(test.value), test.scaled) << test.value;
    EXPECT_EQ(gib_to_mib(test.value), test.scaled) << test.value;
  }
  EXPECT_EQ(units_to_vcpu(256), 0.25);
  EXPECT_EQ(units_to_vcpu(2048), 2);
  EXPECT_EQ(mib_to_gib(1536), 1.5);
  EXPECT_EQ(mib_to_gib(512), 0.5);
}

}  // namespace
}  // namespace adjust
