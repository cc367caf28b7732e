#include "support/sim_fixture.hpp"

#include <stdexcept>

namespace adjust::testing {

SimFixture::SimFixture(Options options) {
  std::vector<std::string> argv = {"python3",       std::string(ADJUST_TEST_TOOLS_DIR) + "/awssim",
                                   "--port",        "0",
                                   "--time-factor", std::to_string(options.time_factor),
                                   "--lifetime",    std::to_string(options.lifetime_seconds)};
  if (options.upstream) {
    argv.insert(argv.end(), {"--upstream", *options.upstream});
  }
  Process::Options process_options;
  process_options.stdout_pipe = true;
  m_process = std::make_unique<Process>(argv, process_options);
  auto line = m_process->read_stdout_line(std::chrono::seconds(20));
  if (!line) throw std::runtime_error("awssim did not start; log tail:\n" + m_process->log_tail());
  m_port = nlohmann::json::parse(*line).at("port").get<int>();
  m_endpoint = "http://127.0.0.1:" + std::to_string(m_port);
  if (!m_process->wait_for_http(m_endpoint + "/_sim/health", std::chrono::seconds(10))) {
    throw std::runtime_error("awssim not answering; log tail:\n" + m_process->log_tail());
  }
}

nlohmann::json SimFixture::control(const std::string& path, const nlohmann::json& body,
                                   const std::string& method) {
  auto r = http_request(method, m_endpoint + "/_sim/" + path, {"Content-Type: application/json"},
                        method == "GET" ? std::string() : body.dump());
  if (r.status != 200) {
    throw std::runtime_error("awssim control " + method + " " + path + " -> " + std::to_string(r.status) +
                             " " + r.body + r.error);
  }
  return nlohmann::json::parse(r.body);
}

double SimFixture::advance(double seconds) {
  nlohmann::json body = nlohmann::json::object();
  body["seconds"] = seconds;
  return control("advance", body).at("now").get<double>();
}

nlohmann::json SimFixture::requests(const std::string& filter) {
  return control(filter.empty() ? "requests" : "requests?" + filter, nlohmann::json::object(), "GET")
      .at("requests");
}

int SimFixture::count(const std::string& operation) {
  return static_cast<int>(requests("operation=" + operation).size());
}

}  // namespace adjust::testing
