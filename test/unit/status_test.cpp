// The protocol's status vocabulary: one string per value, the error mapping,
// exit codes, and how per-component outcomes combine.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "adjust/protocol/status.hpp"

namespace adjust {
namespace {

using protocol::Reason;
using protocol::Status;

bool is_kebab_case(const std::string& text) {
  if (text.empty() || text.front() == '-' || text.back() == '-') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-') {
      if (text[i - 1] == '-') return false;
      continue;
    }
    if (!std::islower(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(Status, EveryStatusHasADistinctKebabCaseStringThatParsesBack) {
  std::set<std::string> seen;
  for (Status status : protocol::k_all_statuses) {
    std::string text = protocol::to_string(status);
    EXPECT_TRUE(is_kebab_case(text)) << text;
    EXPECT_TRUE(seen.insert(text).second) << "duplicate " << text;
    EXPECT_EQ(protocol::parse_status(text), status) << text;
  }
  EXPECT_EQ(seen, (std::set<std::string>{"ok", "failed", "rejected", "cancelled"}));
  EXPECT_EQ(protocol::parse_status("aborted"), std::nullopt);  // dead, and gone
}

TEST(Status, EveryReasonHasADistinctKebabCaseStringThatParsesBack) {
  std::set<std::string> seen;
  for (Reason reason : protocol::k_all_reasons) {
    std::string text = protocol::to_string(reason);
    EXPECT_TRUE(is_kebab_case(text)) << text;
    EXPECT_TRUE(seen.insert(text).second) << "duplicate " << text;
    EXPECT_EQ(protocol::parse_reason(text), reason) << text;
  }
  // k_all_reasons lists every enumerator: the last one is its last entry.
  EXPECT_EQ(std::size(protocol::k_all_reasons), static_cast<std::size_t>(Reason::service_deleted) + 1);
  EXPECT_EQ(protocol::parse_reason("health_check_failed"), std::nullopt);
  EXPECT_EQ(protocol::parse_reason(""), std::nullopt);
}

TEST(Status, ReasonsKeepTheirWireSpelling) {
  EXPECT_STREQ(protocol::to_string(Reason::start_failed), "start-failed");
  EXPECT_STREQ(protocol::to_string(Reason::invalid_config), "invalid-config");
  EXPECT_STREQ(protocol::to_string(Reason::unsupported_service), "unsupported-service");
  EXPECT_STREQ(protocol::to_string(Reason::aws_unreachable), "aws-unreachable");
  EXPECT_STREQ(protocol::to_string(Reason::image_pull_failed), "image-pull-failed");
  EXPECT_STREQ(protocol::to_string(Reason::health_check_failed), "health-check-failed");
  EXPECT_STREQ(protocol::to_string(Reason::adjust_failed), "adjust-failed");
}

TEST(Status, TableMapsErrorsToStatusReasonAndExitCode) {
  struct Row {
    ErrorCode code;
    const char* status;
    const char* reason;
    int exit_code;
  };
  for (const Row& row : {Row{ErrorCode::infeasible, "rejected", "infeasible", 3},
                         Row{ErrorCode::rejected_value, "rejected", "invalid-value", 3},
                         Row{ErrorCode::config, "failed", "invalid-config", 1},
                         Row{ErrorCode::invalid_input, "failed", "invalid-input", 1},
                         Row{ErrorCode::credentials, "failed", "no-credentials", 1},
                         Row{ErrorCode::aws_throttled, "failed", "throttled", 1},
                         Row{ErrorCode::deadline, "failed", "timeout", 1},
                         Row{ErrorCode::cancelled, "cancelled", "cancelled", 4}}) {
    FinalStatus status = final_status_for(Error{row.code, "why", {}, {}, 0});
    EXPECT_STREQ(protocol::to_string(status.status), row.status) << to_string(row.code);
    EXPECT_STREQ(protocol::to_string(status.reason), row.reason) << to_string(row.code);
    EXPECT_EQ(status.message, "why");
    EXPECT_EQ(exit_code_for(status), row.exit_code) << to_string(row.code);
  }
  EXPECT_EQ(exit_code_for(FinalStatus::ok()), 0);
}

ComponentOutcome outcome(std::string component, Status status, Reason reason, std::string message) {
  return {std::move(component), FinalStatus{status, reason, std::move(message)}};
}

TEST(AggregateOutcomes, AllOkIsPlainOk) {
  FinalStatus status =
      aggregate_outcomes({outcome("web", Status::ok, Reason::success, ""),
                          outcome("api", Status::ok, Reason::success, "api: unchanged and healthy")});
  EXPECT_EQ(status.status, Status::ok);
  EXPECT_EQ(status.reason, Reason::success);
  EXPECT_EQ(status.message, "");
  EXPECT_EQ(aggregate_outcomes({}).status, Status::ok);
}

TEST(AggregateOutcomes, CancelledOutranksRejectedOutranksFailedOutranksOk) {
  auto ok = outcome("a", Status::ok, Reason::success, "");
  auto failed = outcome("b", Status::failed, Reason::timeout, "b: too slow");
  auto rejected = outcome("c", Status::rejected, Reason::start_failed, "c: crashed");
  auto cancelled = outcome("d", Status::cancelled, Reason::cancelled, "d: cancelled");

  EXPECT_EQ(aggregate_outcomes({ok, failed}).reason, Reason::timeout);
  EXPECT_EQ(aggregate_outcomes({failed, rejected}).status, Status::rejected);
  EXPECT_EQ(aggregate_outcomes({rejected, failed}).reason, Reason::start_failed);
  EXPECT_EQ(aggregate_outcomes({rejected, cancelled, failed}).status, Status::cancelled);
  EXPECT_EQ(aggregate_outcomes({cancelled, ok}).reason, Reason::cancelled);
}

TEST(AggregateOutcomes, TheFirstOfEquallyBadOutcomesGivesTheReason) {
  FinalStatus status = aggregate_outcomes({outcome("a", Status::failed, Reason::throttled, "a: slow down"),
                                           outcome("b", Status::failed, Reason::timeout, "b: too slow")});
  EXPECT_EQ(status.status, Status::failed);
  EXPECT_EQ(status.reason, Reason::throttled);
}

TEST(AggregateOutcomes, ACauseBeatsACollateralRollbackOfTheSameStatus) {
  FinalStatus status =
      aggregate_outcomes({outcome("a", Status::failed, Reason::adjust_failed,
                                  "a: adjusted, but rolled back because another component failed"),
                          outcome("b", Status::failed, Reason::timeout, "b: too slow")});
  EXPECT_EQ(status.status, Status::failed);
  EXPECT_EQ(status.reason, Reason::timeout);
}

TEST(AggregateOutcomes, MessageNamesEveryComponentInOrder) {
  FinalStatus status =
      aggregate_outcomes({outcome("web", Status::ok, Reason::success, ""),
                          outcome("api", Status::rejected, Reason::start_failed, "api: 2 tasks stopped"),
                          outcome("db", Status::failed, Reason::adjust_failed, "rolled back")});
  EXPECT_EQ(
      status.message,
      "web: ok | api: 2 tasks stopped [rejected, start-failed] | db: rolled back [failed, adjust-failed]");
}

}  // namespace
}  // namespace adjust
