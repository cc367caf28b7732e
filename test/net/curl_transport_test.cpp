#include "adjust/aws/curl_transport.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <thread>

#include "support/loopback_http_server.hpp"

namespace adjust {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackHttpServer;
using testing::ScriptedReply;

HttpRequest post_to(const LoopbackHttpServer& server, std::string body = "{}") {
  HttpRequest request;
  request.url = server.url() + "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"}};
  request.body = std::move(body);
  request.connect_timeout = 2000ms;
  request.timeout = 5000ms;
  return request;
}

TEST(CurlTransport, SendsHeadersAndBodyAndCollectsStatusHeadersAndBody) {
  LoopbackHttpServer server;
  server.push({201,
               "Created",
               {{"X-Amzn-RequestId", "r-1"}, {"X-Multi", "a"}},
               "hello",
               0ms,
               ScriptedReply::Fault::none,
               true});
  CurlTransport transport;
  // Large enough that curl would add Expect: 100-continue by default.
  std::string big(2 * 1024 * 1024, 'x');
  auto response = transport.send(post_to(server, big));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->header("x-amzn-requestid"), "r-1");
  EXPECT_EQ(response->header("Content-Length"), "5");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_EQ(requests[0].body.size(), big.size());
  EXPECT_EQ(find_header(requests[0].headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(find_header(requests[0].headers, "X-Amz-Target"),
            "AmazonEC2ContainerServiceV20141113.ListClusters");
  EXPECT_FALSE(find_header(requests[0].headers, "Expect"));
  EXPECT_EQ(find_header(requests[0].headers, "Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(CurlTransport, GetWithoutContentTypeSendsNone) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "role-name", 0ms, ScriptedReply::Fault::none, true});
  CurlTransport transport;
  HttpRequest request;
  request.method = "GET";
  request.url = server.url() + "/latest/meta-data/iam/security-credentials/";
  ASSERT_TRUE(transport.send(request));
  auto received = server.requests().at(0);
  EXPECT_EQ(received.method, "GET");
  EXPECT_EQ(received.target, "/latest/meta-data/iam/security-credentials/");
  EXPECT_FALSE(find_header(received.headers, "Content-Type"));
}

TEST(CurlTransport, PutSendsMethodAndEmptyHeaderValues) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "token", 0ms, ScriptedReply::Fault::none, true});
  CurlTransport transport;
  HttpRequest request;
  request.method = "PUT";
  request.url = server.url() + "/latest/api/token";
  request.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}, {"X-Empty", ""}};
  auto response = transport.send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "token");
  auto received = server.requests().at(0);
  EXPECT_EQ(received.method, "PUT");
  EXPECT_EQ(find_header(received.headers, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(find_header(received.headers, "X-Empty"), "");
}

TEST(CurlTransport, ReusesTheConnectionAcrossCalls) {
  LoopbackHttpServer server;
  for (int i = 0; i < 3; ++i) {
    server.push({200, "OK", {}, "{}", 0ms, ScriptedReply::Fault::none, true});
  }
  CurlTransport transport;
  for (int i = 0; i < 3; ++i) {
    auto response = transport.send(post_to(server));
    ASSERT_TRUE(response) << response.error().message;
  }
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(CurlTransport, ErrorStatusIsAResponseNotAnError) {
  LoopbackHttpServer server;
  server.push({503, "Service Unavailable", {}, "<html>down</html>", 0ms, ScriptedReply::Fault::none, false});
  CurlTransport transport;
  auto response = transport.send(post_to(server));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "<html>down</html>");
}

TEST(CurlTransport, SlowServerTimesOut) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "{}", 10000ms, ScriptedReply::Fault::none, true});
  CurlTransport transport;
  auto request = post_to(server);
  request.timeout = 200ms;
  auto response = transport.send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::aws_timeout);
  EXPECT_NE(response.error().message.find("POST http://127.0.0.1"), std::string::npos)
      << response.error().message;
}

TEST(CurlTransport, ResetMidBodyIsANetworkError) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "{\"partial\": ", 0ms, ScriptedReply::Fault::reset_mid_body, true});
  CurlTransport transport;
  auto response = transport.send(post_to(server));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::aws_network) << response.error().message;
}

TEST(CurlTransport, CloseWithoutReplyIsANetworkError) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "", 0ms, ScriptedReply::Fault::close_without_reply, true});
  CurlTransport transport;
  auto response = transport.send(post_to(server));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::aws_network) << response.error().message;
}

TEST(CurlTransport, ConnectionRefusedIsANetworkError) {
  int port = 0;
  {
    LoopbackHttpServer closed;
    port = closed.port();
  }
  CurlTransport transport;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto response = transport.send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::aws_network);
}

TEST(CurlTransport, TraceLogRedactsSecretsAndOmitsBodies) {
  LoopbackHttpServer server;
  server.push({200,
               "OK",
               {{"X-Amzn-RequestId", "r-7"}},
               "{\"SecretAccessKey\": \"shh\"}",
               0ms,
               ScriptedReply::Fault::none,
               true});
  std::ostringstream out;
  Logger logger(out, LogLevel::trace);
  CurlTransport transport(&logger);
  auto request = post_to(server, "{\"cluster\": \"prod\"}");
  request.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abcdef"});
  request.headers.push_back({"X-Amz-Security-Token", "very-secret-token"});
  ASSERT_TRUE(transport.send(request));
  std::string log = out.str();
  EXPECT_NE(log.find("> POST " + server.url() + "/"), std::string::npos) << log;
  EXPECT_NE(log.find("X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters"), std::string::npos);
  EXPECT_NE(log.find("< 200"), std::string::npos);
  EXPECT_NE(log.find("X-Amzn-RequestId: r-7"), std::string::npos);
  EXPECT_EQ(log.find("Signature=abcdef"), std::string::npos);
  EXPECT_EQ(log.find("very-secret-token"), std::string::npos);
  EXPECT_EQ(log.find("shh"), std::string::npos);
}

TEST(CurlTransport, CurlVerboseDumpShowsHeaderLinesWithSecretsRedactedAndNoBodies) {
  LoopbackHttpServer server;
  server.push({200,
               "OK",
               {{"X-Amzn-RequestId", "r-8"}},
               "{\"SecretAccessKey\": \"shh\"}",
               0ms,
               ScriptedReply::Fault::none,
               true});
  std::ostringstream out;
  Logger logger(out, LogLevel::trace);
  CurlTransport transport(&logger, /*curl_verbose=*/true);
  auto request = post_to(server, "{\"cluster\": \"body-not-dumped\"}");
  request.url = server.url() + "/v2/credentials/capability-uuid";
  request.secret_path = true;
  request.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abcdef"});
  request.headers.push_back({"X-Amz-Security-Token", "very-secret-token"});
  ASSERT_TRUE(transport.send(request));
  std::string log = out.str();
  EXPECT_NE(log.find("curl* "), std::string::npos) << log;  // libcurl's own text
  EXPECT_NE(log.find("curl> POST <redacted> HTTP/1.1"), std::string::npos) << log;
  EXPECT_NE(log.find("curl> Authorization: <redacted>"), std::string::npos) << log;
  EXPECT_NE(log.find("curl> X-Amz-Security-Token: <redacted>"), std::string::npos) << log;
  EXPECT_NE(log.find("curl< HTTP/1.1 200 OK"), std::string::npos) << log;
  EXPECT_NE(log.find("curl< X-Amzn-RequestId: r-8"), std::string::npos) << log;
  EXPECT_NE(log.find("> POST " + server.url() + "/<redacted>"), std::string::npos) << log;
  for (const char* secret :
       {"Signature=abcdef", "very-secret-token", "capability-uuid", "shh", "body-not-dumped"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in:\n" << log;
  }
}

TEST(CurlTransport, CurlVerboseNeedsTheTraceLevel) {
  LoopbackHttpServer server;
  server.push({200, "OK", {}, "{}", 0ms, ScriptedReply::Fault::none, true});
  std::ostringstream out;
  Logger logger(out, LogLevel::debug);
  CurlTransport transport(&logger, /*curl_verbose=*/true);
  ASSERT_TRUE(transport.send(post_to(server)));
  EXPECT_EQ(out.str(), "");
}

TEST(CurlTransport, ConcurrentCallsFromSeveralThreads) {
  LoopbackHttpServer server;
  for (int i = 0; i < 8; ++i) {
    server.push({200, "OK", {}, "{}", 0ms, ScriptedReply::Fault::none, true});
  }
  CurlTransport transport;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2; ++i) {
        if (auto response = transport.send(post_to(server)); response && response->status == 200) {
          ++ok;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(ok.load(), 8);
  EXPECT_LE(server.connections_accepted(), 4);
}

}  // namespace
}  // namespace adjust
