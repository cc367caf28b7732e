// describe_services_by_cluster: one call per cluster, the clusters at once,
// a failed call failing only its cluster.
#include "adjust/engine/read_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace adjust {
namespace {

using namespace std::chrono_literals;

// Answers DescribeServices with one service per name; everything else is unused here.
class DescribingEcs final : public EcsApi {
 public:
  std::string failing_name;            // a batch naming it fails
  std::size_t wait_for_in_flight = 0;  // each call waits (bounded) until this many run at once

  Result<EcsServices> describe_services(const std::string& cluster,
                                        const std::vector<std::string>& services) override {
    {
      std::lock_guard lock(m_mutex);
      calls.emplace_back(cluster, services);
    }
    std::size_t now = ++m_in_flight;
    std::size_t seen = most_in_flight.load();
    while (now > seen && !most_in_flight.compare_exchange_weak(seen, now)) {
    }
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (most_in_flight < wait_for_in_flight && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    --m_in_flight;
    EcsServices out;
    for (const auto& name : services) {
      if (name == failing_name) return fail(ErrorCode::aws_throttled, "DescribeServices: Rate exceeded");
      EcsService service;
      service.name = name;
      out.services.push_back(service);
    }
    return out;
  }
  Result<EcsTaskDefinition> describe_task_definition(const std::string&) override { return unused(); }
  Result<EcsTaskDefinition> register_task_definition(const nlohmann::json&) override { return unused(); }
  Result<EcsTaskDefinition> deregister_task_definition(const std::string&) override { return unused(); }
  Result<std::vector<std::string>> list_task_definitions(const std::string&) override { return unused(); }
  Result<EcsService> update_service(const UpdateServiceRequest&) override { return unused(); }
  Result<std::vector<std::string>> list_tasks(const std::string&, const std::string&,
                                              const std::string&) override {
    return unused();
  }
  Result<EcsTasks> describe_tasks(const std::string&, const std::vector<std::string>&) override {
    return unused();
  }

  std::vector<std::pair<std::string, std::vector<std::string>>> calls;
  std::atomic<std::size_t> most_in_flight{0};

 private:
  static unexpected<Error> unused() { return fail(ErrorCode::internal, "not used by this test"); }
  std::mutex m_mutex;
  std::atomic<std::size_t> m_in_flight{0};
};

std::vector<std::string> names(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<std::string> names_of(const EcsServices& services) {
  std::vector<std::string> out;
  for (const auto& service : services.services) out.push_back(service.name);
  return out;
}

TEST(DescribeServicesByCluster, SendsOneCallPerClusterAllAtOnce) {
  // Batching by 10 is EcsClient's (ecs_client_test); here every name goes in one call.
  DescribingEcs ecs;
  ecs.wait_for_in_flight = 3;  // only reached if the three calls really overlap
  auto answer = describe_services_by_cluster(
      ecs, {{"a", names("a", 23)}, {"b", names("b", 3)}, {"c", names("c", 1)}}, 8);
  ASSERT_EQ(ecs.calls.size(), 3u);
  std::map<std::string, std::vector<std::size_t>> sizes;
  for (const auto& [cluster, listed] : ecs.calls) sizes[cluster].push_back(listed.size());
  EXPECT_EQ(sizes["a"], (std::vector<std::size_t>{23}));
  EXPECT_EQ(sizes["b"], (std::vector<std::size_t>{3}));
  EXPECT_EQ(sizes["c"], (std::vector<std::size_t>{1}));
  EXPECT_EQ(ecs.most_in_flight.load(), 3u);
  ASSERT_TRUE(answer.at("a").has_value());
  EXPECT_EQ(names_of(*answer.at("a")), names("a", 23));
  ASSERT_TRUE(answer.at("b").has_value());
  EXPECT_EQ(names_of(*answer.at("b")), names("b", 3));
}

TEST(DescribeServicesByCluster, AFailedCallFailsOnlyItsCluster) {
  DescribingEcs ecs;
  ecs.failing_name = "a12";
  auto answer = describe_services_by_cluster(ecs, {{"a", names("a", 15)}, {"b", names("b", 2)}}, 1);
  ASSERT_FALSE(answer.at("a").has_value());
  EXPECT_EQ(answer.at("a").error().code, ErrorCode::aws_throttled);
  ASSERT_TRUE(answer.at("b").has_value());
  EXPECT_EQ(names_of(*answer.at("b")), names("b", 2));
  EXPECT_EQ(ecs.most_in_flight.load(), 1u);  // concurrency 1: one call at a time
}

}  // namespace
}  // namespace adjust
