// Starts test/tools/awssim (the fault-injecting ECS/ELBv2 simulator) on a
// free loopback port, in front of moto (proxy mode) or alone (fake-only), and
// drives its /_sim/ control API.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/process.hpp"

namespace adjust::testing {

class SimFixture {
 public:
  struct Options {
    std::optional<std::string> upstream;  // e.g. MotoFixture::endpoint(); empty = fake-only
    double time_factor = 0.0;             // 0: the sim clock only moves via advance()
    int lifetime_seconds = 900;           // hard limit; the sim exits by itself
  };

  SimFixture() : SimFixture(Options{}) {}
  explicit SimFixture(Options options);

  const std::string& endpoint() const { return m_endpoint; }  // http://127.0.0.1:<port>
  int port() const { return m_port; }

  // POST (or GET/DELETE) /_sim/<path> with a JSON body; throws on a non-200 answer.
  nlohmann::json control(const std::string& path, const nlohmann::json& body = nlohmann::json::object(),
                         const std::string& method = "POST");
  void reset() { control("reset"); }
  void add_rule(const nlohmann::json& rule) { control("rules", rule); }
  void set_scenario(const nlohmann::json& scenario) { control("scenario", scenario); }
  double advance(double seconds);
  // The AWS request log (service, operation, status, fault, ...), optionally filtered
  // by query parameters such as "operation=DescribeServices".
  nlohmann::json requests(const std::string& filter = {});
  int count(const std::string& operation);
  nlohmann::json state() { return control("state", nlohmann::json::object(), "GET"); }

  std::string log_tail() const { return m_process->log_tail(); }

 private:
  std::unique_ptr<Process> m_process;
  int m_port = 0;
  std::string m_endpoint;
};

}  // namespace adjust::testing
