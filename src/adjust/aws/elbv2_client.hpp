// ELBv2 (awsQuery, XML) calls the driver makes, behind Elbv2Api so the engine
// can be tested with a fake.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adjust/aws/xml.hpp"
#include "adjust/base/result.hpp"
#include "adjust/model/elbv2.hpp"

namespace adjust {

class AwsClient;

inline constexpr const char* k_elbv2_version = "2015-12-01";

class Elbv2Api {
 public:
  virtual ~Elbv2Api() = default;
  // Health of every registered target, or only of `targets` when given.
  virtual Result<std::vector<TargetHealth>> describe_target_health(
      const std::string& target_group_arn, const std::vector<TargetRef>& targets = {}) = 0;
  virtual Result<TargetGroupAttributes> describe_target_group_attributes(
      const std::string& target_group_arn) = 0;
};

class Elbv2Client final : public Elbv2Api {
 public:
  explicit Elbv2Client(AwsClient& client) : m_client(client) {}
  Result<std::vector<TargetHealth>> describe_target_health(
      const std::string& target_group_arn, const std::vector<TargetRef>& targets = {}) override;
  Result<TargetGroupAttributes> describe_target_group_attributes(
      const std::string& target_group_arn) override;

 private:
  AwsClient& m_client;
};

// Decoders for recorded responses and fakes (ErrorCode::aws_bad_response).
Result<std::vector<TargetHealth>> decode_target_health(const XmlDocument& document);
Result<TargetGroupAttributes> decode_target_group_attributes(const XmlDocument& document);

}  // namespace adjust
