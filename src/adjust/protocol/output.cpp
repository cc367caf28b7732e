#include "adjust/protocol/output.hpp"

#include <algorithm>

namespace adjust {

FinalStatus final_status_for(const Error& error) {
  auto failed = [&](const char* reason) { return FinalStatus{"failed", reason, error.message}; };
  switch (error.code) {
    case ErrorCode::usage: return failed("usage");
    case ErrorCode::invalid_input: return failed("invalid-input");
    case ErrorCode::config: return failed("invalid-config");
    case ErrorCode::rejected_value: return {"rejected", "invalid-value", error.message};
    case ErrorCode::infeasible: return {"rejected", "infeasible", error.message};
    case ErrorCode::rollout_failed: return {"rejected", "start-failed", error.message};
    case ErrorCode::credentials: return failed("no-credentials");
    case ErrorCode::not_found: return failed("not-found");
    case ErrorCode::unsupported: return failed("unsupported-service");
    case ErrorCode::aws_throttled: return failed("throttled");
    case ErrorCode::aws_network:
    case ErrorCode::aws_timeout: return failed("aws-unreachable");
    case ErrorCode::aws_clock_skew:
    case ErrorCode::aws_expired_credentials:
    case ErrorCode::aws_auth: return failed("aws-auth");
    case ErrorCode::aws_transient:
    case ErrorCode::aws_client:
    case ErrorCode::aws_bad_response: return failed("aws-error");
    case ErrorCode::deadline: return failed("timeout");
    case ErrorCode::cancelled: return {"cancelled", "cancelled", error.message};
    case ErrorCode::internal: return failed("internal-error");
  }
  return failed("internal-error");
}

int exit_code_for(const FinalStatus& status) {
  if (status.status == "ok") return 0;
  if (status.status == "rejected") return 3;
  if (status.status == "cancelled" || status.status == "aborted") return 4;
  return 1;
}

std::string to_json_line(const nlohmann::ordered_json& value) {
  std::string line = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // dump() never emits raw newlines (they are escaped), so the line is whole.
  return line;
}

void OutputWriter::write_line(const std::string& line) {
  *m_out << line << '\n';
  m_out->flush();
}

void OutputWriter::progress(int percent, std::string_view message) {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["progress"] = std::clamp(percent, 0, 100);
  line["message"] = std::string(message);
  write_line(to_json_line(line));
}

void OutputWriter::document(const nlohmann::ordered_json& value) {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  write_line(to_json_line(value));
}

void OutputWriter::final_status(const FinalStatus& status) {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  m_finished = true;
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["status"] = status.status;
  line["reason"] = status.reason;
  if (!status.message.empty() || status.status != "ok") line["message"] = status.message;
  write_line(to_json_line(line));
}

bool OutputWriter::finished() const {
  std::lock_guard lock(m_mutex);
  return m_finished;
}

}  // namespace adjust
