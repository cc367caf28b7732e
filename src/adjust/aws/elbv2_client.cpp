#include <charconv>

#include "adjust/aws/client.hpp"
#include "adjust/aws/elbv2_client.hpp"

namespace adjust {
namespace {

Result<std::optional<int>> parse_port(const std::string& text, const std::string& where) {
  if (text.empty()) {
    return std::optional<int>();
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::aws_bad_response, where + ": expected a port number, got '" + text + "'");
  }
  return std::optional<int>(value);
}

Result<const XmlElement*> result_element(const XmlDocument& document, std::string_view operation) {
  std::string response = std::string(operation) + "Response";
  std::string result = std::string(operation) + "Result";
  if (document.root.name != response) {
    return fail(ErrorCode::aws_bad_response, std::string(operation) + " response: root element is <" +
                                                 document.root.name + ">, expected <" + response + ">");
  }
  const XmlElement* found = document.root.child(result);
  if (found == nullptr) {
    return fail(ErrorCode::aws_bad_response,
                std::string(operation) + " response: <" + result + "> is missing");
  }
  return found;
}

}  // namespace

Result<std::vector<TargetHealth>> decode_target_health(const XmlDocument& document) {
  const XmlElement* result = ADJUST_TRY(result_element(document, "DescribeTargetHealth"));
  std::vector<TargetHealth> out;
  const XmlElement* list = result->child("TargetHealthDescriptions");
  if (list == nullptr) {
    return out;
  }
  std::size_t index = 0;
  for (const XmlElement* member : list->children_named("member")) {
    std::string where =
        "DescribeTargetHealth response: TargetHealthDescriptions/member[" + std::to_string(++index) + "]";
    TargetHealth health;
    health.id = member->text_at({"Target", "Id"});
    health.port = ADJUST_TRY(parse_port(member->text_at({"Target", "Port"}), where + "/Target/Port"));
    health.availability_zone = member->text_at({"Target", "AvailabilityZone"});
    health.health_check_port = member->text_at({"HealthCheckPort"});
    health.state = member->text_at({"TargetHealth", "State"});
    health.reason = member->text_at({"TargetHealth", "Reason"});
    health.description = member->text_at({"TargetHealth", "Description"});
    out.push_back(std::move(health));
  }
  return out;
}

Result<TargetGroupAttributes> decode_target_group_attributes(const XmlDocument& document) {
  const XmlElement* result = ADJUST_TRY(result_element(document, "DescribeTargetGroupAttributes"));
  TargetGroupAttributes out;
  if (const XmlElement* list = result->child("Attributes")) {
    for (const XmlElement* member : list->children_named("member")) {
      out.emplace_back(member->text_at({"Key"}), member->text_at({"Value"}));
    }
  }
  return out;
}

Result<std::vector<TargetHealth>> Elbv2Client::describe_target_health(const std::string& target_group_arn,
                                                                      const std::vector<TargetRef>& targets) {
  QueryParams params{{"TargetGroupArn", target_group_arn}};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    std::string prefix = "Targets.member." + std::to_string(i + 1) + ".";
    params.emplace_back(prefix + "Id", targets[i].id);
    if (targets[i].port) {
      params.emplace_back(prefix + "Port", std::to_string(*targets[i].port));
    }
  }
  auto document = ADJUST_TRY(m_client.call_query("DescribeTargetHealth", k_elbv2_version, params));
  return decode_target_health(document);
}

Result<TargetGroupAttributes> Elbv2Client::describe_target_group_attributes(
    const std::string& target_group_arn) {
  auto document = ADJUST_TRY(m_client.call_query("DescribeTargetGroupAttributes", k_elbv2_version,
                                                 {{"TargetGroupArn", target_group_arn}}));
  return decode_target_group_attributes(document);
}

}  // namespace adjust
