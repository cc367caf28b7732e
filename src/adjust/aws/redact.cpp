#include "adjust/aws/redact.hpp"

#include <strings.h>

#include <array>

namespace adjust {

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 5> k_secret{"authorization", "x-amz-security-token",
                                                            "x-aws-ec2-metadata-token",
                                                            "x-amz-sso_bearer_token", "proxy-authorization"};
  for (auto secret : k_secret) {
    if (name.size() == secret.size() && strncasecmp(name.data(), secret.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

std::string redact_headers(const HttpHeaders& headers) {
  std::string out;
  for (const auto& header : headers) {
    out += header.name;
    out += ": ";
    out += is_secret_header(header.name) ? std::string("<redacted>") : header.value;
    out += '\n';
  }
  return out;
}

std::vector<std::string> secret_header_values(const HttpHeaders& headers) {
  std::vector<std::string> values;
  for (const auto& header : headers) {
    if (is_secret_header(header.name)) values.push_back(header.value);
  }
  return values;
}

std::string redact_values(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view k_marker = "<redacted>";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + k_marker.size())) {
      text.replace(at, secret.size(), k_marker);
    }
  }
  return text;
}

}  // namespace adjust
