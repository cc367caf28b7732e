#include <algorithm>
#include <cctype>

#include "adjust/aws/credentials/detail.hpp"
#include "adjust/aws/credentials/sources.hpp"

namespace adjust {
namespace {

constexpr std::string_view k_ecs_host = "http://169.254.170.2";

struct Endpoint {
  std::string scheme;   // lowercase
  std::string host;     // without brackets, lowercase
  std::string display;  // scheme://host[:port], for messages (the path may be a capability)
};

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<Endpoint> parse_endpoint(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::nullopt;
  }
  Endpoint endpoint;
  endpoint.scheme = lowercase(url.substr(0, scheme_end));
  auto rest = url.substr(scheme_end + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) {
    return std::nullopt;
  }
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    endpoint.host = lowercase(authority.substr(1, close - 1));
  } else {
    endpoint.host = lowercase(authority.substr(0, authority.find(':')));
  }
  endpoint.display = endpoint.scheme + "://" + lowercase(authority);
  return endpoint;
}

bool is_ipv4_loopback(std::string_view host) {
  int parts = 0;
  std::size_t pos = 0;
  int first = -1;
  while (pos <= host.size()) {
    auto dot = host.find('.', pos);
    auto part = host.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    int value = std::stoi(std::string(part));
    if (value > 255) {
      return false;
    }
    if (parts == 0) {
      first = value;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    pos = dot + 1;
  }
  return parts == 4 && first == 127;
}

// http is allowed only where the traffic cannot leave the host or the task:
// loopback, and the ECS / EKS Pod Identity agent addresses.
bool http_allowed(const std::string& host) {
  return is_ipv4_loopback(host) || host == "::1" || host == "localhost" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// The Authorization value: from the token file (read now; it rotates) or the variable.
Result<std::optional<std::string>> authorization(const CredentialContext& context) {
  if (auto path = context.env.non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    auto content = ADJUST_TRY(context.files.read(*path));
    if (!content) {
      return fail(ErrorCode::credentials,
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *path + " does not exist");
    }
    std::string token = std::move(*content);
    // A trailing newline from `echo > file` is not part of the token.
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
      token.pop_back();
    }
    if (has_line_break(token)) {
      return fail(ErrorCode::credentials,
                  "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE contains a line break");
    }
    return std::optional<std::string>(std::move(token));
  }
  if (auto token = context.env.non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    if (has_line_break(*token)) {
      return fail(ErrorCode::credentials, "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break");
    }
    return std::optional<std::string>(*token);
  }
  return std::optional<std::string>();
}

}  // namespace

Result<SourceResult> ContainerCredentials::resolve() {
  const auto& env = m_context.env;
  auto relative = env.non_empty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  auto full = env.non_empty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!relative && !full) {
    return SourceResult::skip("AWS_CONTAINER_CREDENTIALS_* not set");
  }

  HttpRequest request;
  request.method = "GET";
  std::string display;
  if (relative) {
    request.url = std::string(k_ecs_host) + (relative->starts_with("/") ? "" : "/") + *relative;
    display = std::string(k_ecs_host);
  } else {
    auto endpoint = parse_endpoint(*full);
    if (!endpoint || (endpoint->scheme != "http" && endpoint->scheme != "https")) {
      return fail(ErrorCode::credentials, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
    }
    if (endpoint->scheme == "http" && !http_allowed(endpoint->host)) {
      return fail(ErrorCode::credentials,
                  "AWS_CONTAINER_CREDENTIALS_FULL_URI host \"" + endpoint->host +
                      "\" is not allowed over http; use https, or a loopback, 169.254.170.2, "
                      "169.254.170.23 or [fd00:ec2::23] address");
    }
    request.url = *full;
    display = endpoint->display;
  }
  request.secret_path = true;  // the path may be a capability (see `display`)
  request.headers.push_back({"Accept", "application/json"});
  if (auto token = ADJUST_TRY(authorization(m_context))) {
    request.headers.push_back({"Authorization", std::move(*token)});
  }
  request.connect_timeout = k_timeout;
  request.timeout = k_timeout;

  std::string what = "container credentials endpoint " + display;
  std::string last_failure;
  for (int attempt = 1; attempt <= k_attempts; ++attempt) {
    if (attempt > 1) {
      m_context.clock.sleep_for(std::chrono::seconds(1));
    }
    auto response = m_context.transport.send(request);
    if (!response) {
      last_failure = credentials_detail::describe_transport_error(response.error(), k_timeout);
    } else if (response->status == 200) {
      auto credentials = credentials_detail::parse_credentials_json(response->body, what);
      if (!credentials) {
        return fail(credentials.error());
      }
      credentials->source = "container (" + display + ")";
      return SourceResult::yielded(*std::move(credentials));
    } else if (response->status >= 500 || response->status == 429) {
      last_failure = "HTTP " + std::to_string(response->status);
    } else {
      return fail(ErrorCode::credentials, what + " returned HTTP " + std::to_string(response->status));
    }
    m_context.logger.trace(what + ": attempt " + std::to_string(attempt) + " failed: " + last_failure);
  }
  return fail(ErrorCode::credentials,
              what + ": " + last_failure + " (" + std::to_string(k_attempts) + " attempts)");
}

}  // namespace adjust
