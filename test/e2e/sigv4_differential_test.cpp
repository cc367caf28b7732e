// Differential test: random requests signed by ours and by botocore (the
// oracle of shared/spec/aws-client.md §6.1) must agree byte for byte. The
// generator follows that section's "rules to mirror" so differences are bugs,
// not botocore quirks: query given to botocore as raw params, paths given as
// on the wire, header values printable ASCII + space + tab.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "adjust/aws/sigv4_stages.hpp"

namespace adjust::sigv4 {
namespace {

constexpr std::size_t k_request_count = 1500;
constexpr std::uint64_t k_seed = 20150830;

// Deterministic across standard libraries (no std::*_distribution).
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : m_engine(seed) {}
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(m_engine() % bound); }
  bool chance(std::size_t percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::mt19937_64 m_engine;
};

struct Case {
  HttpRequest request;                                      // what we sign (wire URL with encoded query)
  std::string oracle_url;                                   // the URL without its query, for botocore
  std::vector<std::pair<std::string, std::string>> params;  // raw query for botocore
  Credentials credentials;
  SigningParams params_for_signing;
  long long epoch = 0;
};

const std::vector<std::string> k_raw_pieces = {
    "a", "Z", "09", "-", "_", ".", "~", " ", "!", "$", "&", "'",   "(",        ")",
    "*", "+", ",",  ";", "=", ":", "@", "/", "?", "#", "%", "%3D", "\xC3\xBC", "\xE1\x88\xB4",
    "[", "]", "\"", "^"};

std::string random_raw(Generator& gen, std::size_t max_pieces) {
  std::string out;
  const std::size_t count = gen.below(max_pieces + 1);
  for (std::size_t i = 0; i < count; ++i) {
    out += gen.pick(k_raw_pieces);
  }
  return out;
}

std::string random_path(Generator& gen) {
  if (gen.chance(10)) {
    return "";
  }
  std::string path;
  const std::size_t segments = gen.below(5);
  for (std::size_t i = 0; i < segments; ++i) {
    path += '/';
    switch (gen.below(8)) {
      case 0:
        path += ".";
        break;
      case 1:
        path += "..";
        break;
      case 2:
        break;  // empty segment: "//"
      case 3:
        path += gen.pick(std::vector<std::string>{"a:b@c", "$x", "%2F", "%3D%3d", "~u"});
        break;
      default:
        path += uri_encode(random_raw(gen, 4));
        break;  // already encoded on the wire
    }
  }
  if (path.empty() || gen.chance(25)) {
    path += '/';
  }
  return path;
}

std::string random_header_value(Generator& gen) {
  static const std::string k_chars = "abcXYZ019 -_.~!\"#$%&'()*+,/:;<=>?@[\\]^`{|}\t    ";
  std::string value;
  const std::size_t length = gen.below(12);
  for (std::size_t i = 0; i < length; ++i) {
    value += k_chars[gen.below(k_chars.size())];
  }
  return value;
}

Case random_case(Generator& gen) {
  Case c;
  c.request.method = gen.chance(50) ? "GET" : "POST";
  const std::string authority = gen.pick(
      std::vector<std::string>{"example.amazonaws.com", "ECS.us-east-1.AmazonAWS.com",
                               "example.amazonaws.com:443", "example.amazonaws.com:8443", "127.0.0.1:4566"});
  const std::string scheme = gen.chance(80) ? "https" : "http";
  const std::string base = scheme + "://" + authority + random_path(gen);

  std::string query;
  const std::size_t param_count = gen.below(6);
  for (std::size_t i = 0; i < param_count; ++i) {
    const std::string key =
        gen.chance(70) ? gen.pick(std::vector<std::string>{"a", "a-b", "a.b", "a_b", "ab", "A", "a~", "Param",
                                                           "Param-3", "\xE1\x88\xB4", "k=x", "q&"})
                       : random_raw(gen, 3);
    std::optional<std::string> value;
    if (!gen.chance(15)) {
      value = gen.chance(20) ? std::string{} : random_raw(gen, 4);
    }
    if (key.empty() && !value) {
      continue;  // nothing on the wire; botocore's params would still say "="
    }
    c.params.emplace_back(key, value.value_or(""));
    query += query.empty() ? "" : "&";
    query += uri_encode(key);
    if (value) {
      query += '=';
      query += uri_encode(*value);
    }
  }
  c.request.url = query.empty() ? base : base + "?" + query;
  c.oracle_url = base;

  const std::vector<std::string> names = {"X-Foo",        "x-foo",        "X-Foo-Bar",
                                          "X-FOO-bar",    "Content-Type", "My-Header",
                                          "X-Amz-Meta-A", "x-amz-target", "Accept"};
  const std::size_t header_count = gen.below(6);
  for (std::size_t i = 0; i < header_count; ++i) {
    c.request.headers.push_back({gen.pick(names), random_header_value(gen)});
  }
  if (gen.chance(30)) {
    c.request.headers.push_back({gen.chance(50) ? "Host" : "host", "Example.AmazonAWS.com"});
  }
  if (gen.chance(15)) {
    c.request.headers.push_back({gen.pick(std::vector<std::string>{"User-Agent", "Expect", "X-Amzn-Trace-Id",
                                                                   "Connection", "Transfer-Encoding", "TE"}),
                                 "never signed"});
  }
  if (gen.chance(10)) {
    c.request.headers.push_back({"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"});
  }
  if (c.request.method == "POST" || gen.chance(10)) {
    const std::size_t length = gen.below(80);
    for (std::size_t i = 0; i < length; ++i) {
      c.request.body.push_back(static_cast<char>(gen.below(256)));
    }
  }

  c.credentials.access_key_id = gen.pick(std::vector<std::string>{"AKIDEXAMPLE", "ASIAEXAMPLE2"});
  c.credentials.secret_access_key =
      gen.pick(std::vector<std::string>{"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "s3cr3t+/=="});
  if (gen.chance(50)) {
    c.credentials.session_token = "tok/+=" + std::to_string(gen.below(1000000));
  }
  c.params_for_signing.region =
      gen.pick(std::vector<std::string>{"us-east-1", "eu-west-1", "ap-southeast-2"});
  c.params_for_signing.service =
      gen.pick(std::vector<std::string>{"ecs", "elasticloadbalancing", "sts", "service"});
  // 2000-01-01 .. ~2033, whole seconds plus a sub-second part that must be dropped.
  c.epoch = 946684800LL + static_cast<long long>(gen.below(1'050'000'000));
  c.params_for_signing.time = std::chrono::system_clock::time_point{
      std::chrono::seconds{c.epoch} + std::chrono::milliseconds{gen.below(1000)}};
  return c;
}

std::string base64(const std::string& bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

nlohmann::json to_oracle_input(const Case& c) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& header : c.request.headers) {
    headers.push_back({header.name, header.value});
  }
  nlohmann::json params = nlohmann::json::array();
  for (const auto& [key, value] : c.params) {
    params.push_back({key, value});
  }
  nlohmann::json input = nlohmann::json::object();
  input["method"] = c.request.method;
  input["url"] = c.oracle_url;
  input["headers"] = std::move(headers);
  input["body_b64"] = base64(c.request.body);
  input["params"] = std::move(params);
  input["region"] = c.params_for_signing.region;
  input["service"] = c.params_for_signing.service;
  input["access_key"] = c.credentials.access_key_id;
  input["secret_key"] = c.credentials.secret_access_key;
  input["token"] = c.credentials.session_token;
  input["epoch"] = c.epoch;
  return input;
}

bool botocore_available() { return std::system("python3 -c 'import botocore' >/dev/null 2>&1") == 0; }

TEST(Sigv4Base64, EncodesWithPadding) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
}

TEST(Sigv4Differential, AgreesWithBotocoreOnRandomRequests) {
  if (!botocore_available()) {
    GTEST_SKIP() << "python3 with botocore is not available; the differential SigV4 test needs it";
  }
  Generator gen(k_seed);
  std::vector<Case> cases;
  cases.reserve(k_request_count);
  for (std::size_t i = 0; i < k_request_count; ++i) {
    cases.push_back(random_case(gen));
  }

  const auto input_path =
      std::filesystem::temp_directory_path() / ("adjust-sigv4-diff-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream input(input_path, std::ios::binary);
    for (const auto& c : cases) {
      input << to_oracle_input(c).dump() << '\n';
    }
  }
  const std::string command = "python3 '" + std::string(ADJUST_TEST_TOOLS_DIR) + "/botosign.py' serve < '" +
                              input_path.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[65536];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    output.append(buffer, read);
  }
  const int status = ::pclose(pipe);
  std::filesystem::remove(input_path);
  ASSERT_EQ(status, 0) << "botosign.py failed";

  std::vector<nlohmann::json> answers;
  std::size_t start = 0;
  while (start < output.size()) {
    const auto end = output.find('\n', start);
    answers.push_back(nlohmann::json::parse(output.substr(start, end - start)));
    start = end == std::string::npos ? output.size() : end + 1;
  }
  ASSERT_EQ(answers.size(), cases.size());

  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Signature ours = sign(cases[i].request, cases[i].credentials, cases[i].params_for_signing);
    const auto& expected_canonical = answers[i].at("canonical_request").get_ref<const std::string&>();
    const auto& expected_authorization = answers[i].at("authorization").get_ref<const std::string&>();
    if (ours.canonical_request != expected_canonical || ours.authorization != expected_authorization) {
      // Show a few in full (test credentials only), count the rest.
      if (++mismatches <= 3) {
        ADD_FAILURE() << "request " << i << " (" << cases[i].request.method << " " << cases[i].request.url
                      << ")\nours:\n"
                      << ours.canonical_request << "\nbotocore:\n"
                      << expected_canonical;
      }
    }
  }
  EXPECT_EQ(mismatches, 0U) << "of " << cases.size() << " requests";
}

}  // namespace
}  // namespace adjust::sigv4
