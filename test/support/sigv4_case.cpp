#include "support/sigv4_case.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace adjust::testing {

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<HttpRequest> parse_raw_request(const std::string& text, const std::string& url_prefix) {
  HttpRequest request;
  const std::string_view all = text;
  const auto blank = all.find("\n\n");
  std::string_view head = all.substr(0, blank);
  if (blank != std::string_view::npos) {
    request.body = std::string(all.substr(blank + 2));
  }
  const auto line_end = head.find('\n');
  const std::string_view request_line = head.substr(0, line_end);
  const auto method_end = request_line.find(' ');
  const auto version = request_line.rfind(" HTTP/");
  if (method_end == std::string_view::npos || version == std::string_view::npos || version <= method_end) {
    return fail(ErrorCode::invalid_input, "bad request line");
  }
  request.method = std::string(request_line.substr(0, method_end));
  request.url = url_prefix + std::string(request_line.substr(method_end + 1, version - method_end - 1));
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 1);
  while (!head.empty()) {
    const auto end = head.find('\n');
    const std::string_view line = head.substr(0, end);
    head = end == std::string_view::npos ? std::string_view{} : head.substr(end + 1);
    if (line.empty()) {
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !request.headers.empty()) {
      request.headers.back().value += '\n';
      request.headers.back().value += line;
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(ErrorCode::invalid_input, "header line without ':'");
    }
    request.headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  return request;
}

namespace {

Result<std::chrono::system_clock::time_point> parse_timestamp(const std::string& text) {
  // "2015-08-30T12:36:00Z" (libstdc++ 12 has no std::chrono::parse)
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d:%2dZ", &year, &month, &day, &hour, &minute, &second) !=
      6) {
    return fail(ErrorCode::invalid_input, "bad timestamp " + text);
  }
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} + hours{hour} +
         minutes{minute} + seconds{second};
}

}  // namespace

Result<Sigv4Case> load_sigv4_case(const std::filesystem::path& directory) {
  const auto context_text = read_text_file(directory / "context.json");
  const auto request_text = read_text_file(directory / "request.txt");
  if (!context_text || !request_text) {
    return fail(ErrorCode::invalid_input, "missing context.json or request.txt in " + directory.string());
  }
  Sigv4Case out;
  out.name = directory.filename().string();
  try {
    const auto context = nlohmann::json::parse(*context_text);
    const auto& credentials = context.at("credentials");
    out.credentials.access_key_id = credentials.at("access_key_id").get<std::string>();
    out.credentials.secret_access_key = credentials.at("secret_access_key").get<std::string>();
    out.credentials.session_token = credentials.value("token", std::string{});
    out.params.region = context.at("region").get<std::string>();
    out.params.service = context.at("service").get<std::string>();
    out.params.time = ADJUST_TRY(parse_timestamp(context.at("timestamp").get<std::string>()));
    // The suite's normalize:false is the S3 rule: no dot-segment removal; its
    // raw request paths are still encoded once.
    out.params.normalize_path = context.value("normalize", true);
    out.params.double_encode_path = true;
    out.params.sign_body_hash_header = context.value("sign_body", false);
    out.params.omit_session_token = context.value("omit_session_token", false);
    const std::string prefix = context.value("url_prefix", std::string{"https://example.amazonaws.com"});
    out.request = ADJUST_TRY(parse_raw_request(*request_text, prefix));
  } catch (const nlohmann::json::exception& error) {
    return fail(ErrorCode::invalid_input, directory.string() + "/context.json: " + error.what());
  }
  return out;
}

}  // namespace adjust::testing
