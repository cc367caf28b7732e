#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "adjust/base/version.hpp"
#include "adjust/protocol/output.hpp"

namespace adjust {
namespace {

TEST(Output, ProgressLinesAreCompactJsonWithClampedPercent) {
  std::ostringstream out;
  OutputWriter writer(out);
  writer.progress(40, "web: 1/2 new tasks running");
  writer.progress(140, "done");
  EXPECT_EQ(out.str(),
            "{\"progress\":40,\"message\":\"web: 1/2 new tasks running\"}\n"
            "{\"progress\":100,\"message\":\"done\"}\n");
}

TEST(Output, OnlyTheFirstFinalLineIsWrittenAndNothingAfterIt) {
  std::ostringstream out;
  OutputWriter writer(out);
  writer.final_status(
      {protocol::Status::rejected, protocol::Reason::infeasible, "0.25 vCPU allows 0.5, 1, 2 GiB"});
  writer.final_status(FinalStatus::ok());
  writer.progress(100, "late");
  EXPECT_EQ(
      out.str(),
      "{\"status\":\"rejected\",\"reason\":\"infeasible\",\"message\":\"0.25 vCPU allows 0.5, 1, 2 GiB\"}\n");
  EXPECT_TRUE(writer.finished());
}

TEST(Output, OkLineHasNoMessage) {
  std::ostringstream out;
  OutputWriter writer(out);
  writer.final_status(FinalStatus::ok());
  EXPECT_EQ(out.str(), "{\"status\":\"ok\",\"reason\":\"success\"}\n");
}

TEST(Output, InvalidUtf8AndNewlinesNeverBreakTheLine) {
  std::ostringstream out;
  OutputWriter writer(out);
  writer.final_status(
      {protocol::Status::failed, protocol::Reason::aws_error, std::string("bad \xff byte\nsecond line")});
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  auto parsed = nlohmann::json::parse(text);
  EXPECT_NE(parsed["message"].get<std::string>().find("second line"), std::string::npos);
}

TEST(Output, ConcurrentProgressLinesStayWhole) {
  std::ostringstream out;
  OutputWriter writer(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < 50; ++i) writer.progress(i, "component " + std::to_string(t));
    });
  }
  for (auto& thread : threads) thread.join();
  std::istringstream lines(out.str());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    ASSERT_TRUE(nlohmann::json::accept(line)) << line;
  }
  EXPECT_EQ(count, 200);
}

TEST(Output, InfoDocumentNamesVersionAndCancelSupport) {
  std::ostringstream out;
  OutputWriter writer(out);
  writer.document(info_document());
  EXPECT_EQ(out.str(), std::string("{\"version\":\"") + k_version + "\",\"has_cancel\":true}\n");
}

}  // namespace
}  // namespace adjust
