#include "adjust/protocol/output.hpp"

#include <algorithm>

#include "adjust/base/version.hpp"

namespace adjust {

nlohmann::ordered_json info_document() { return {{"version", k_version}, {"has_cancel", k_has_cancel}}; }

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

void OutputWriter::text(std::string_view text) {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  *m_out << text;
  m_out->flush();
  m_finished = true;
}

void OutputWriter::final_status(const FinalStatus& status) {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  m_finished = true;
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["status"] = protocol::to_string(status.status);
  line["reason"] = protocol::to_string(status.reason);
  if (!status.message.empty() || status.status != protocol::Status::ok) line["message"] = status.message;
  write_line(to_json_line(line));
}

bool OutputWriter::finished() const {
  std::lock_guard lock(m_mutex);
  return m_finished;
}

}  // namespace adjust
