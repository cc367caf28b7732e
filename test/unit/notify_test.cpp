#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adjust/cli/notify.hpp"
#include "fakes/transport.hpp"

namespace adjust {
namespace {

using testing::FakeTransport;
using testing::text_reply;

const char* k_hook = "https://hooks.example.test/services/T000/B000/SECRETPART";

TEST(Notify, PostsASlackCompatibleTextMessage) {
  FakeTransport transport;
  transport.push(text_reply(200, "ok"));
  std::ostringstream log;
  Logger logger(log, LogLevel::trace);
  notify_outcome(transport, k_hook,
                 {protocol::Status::rejected, protocol::Reason::start_failed, "web: 2 tasks stopped"},
                 logger);
  ASSERT_EQ(transport.request_count(), 1U);
  const HttpRequest request = transport.last_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, k_hook);
  EXPECT_EQ(find_header(request.headers, "content-type"), "application/json");
  auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["text"], "adjust rejected (start-failed): web: 2 tasks stopped");
  EXPECT_LE(request.timeout.count(), 5000) << "a webhook must not hold up the adjustment";
}

TEST(Notify, FailuresAreLoggedWithoutTheUrlAndNeverThrown) {
  std::ostringstream log;
  Logger logger(log, LogLevel::trace);
  FakeTransport refused;
  refused.fail_with(ErrorCode::aws_network, std::string("connection refused to ") + k_hook);
  EXPECT_NO_THROW(notify_outcome(refused, k_hook, FinalStatus::ok(), logger));
  FakeTransport server_error;
  server_error.push(text_reply(500, "ok"));
  EXPECT_NO_THROW(notify_outcome(server_error, k_hook, FinalStatus::ok(), logger));
  EXPECT_NE(log.str().find("webhook not reached"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("HTTP 500"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("SECRETPART"), std::string::npos) << "webhook URLs carry secrets";
}

}  // namespace
}  // namespace adjust
