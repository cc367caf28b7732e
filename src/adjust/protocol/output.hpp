// The only writer of stdout: one compact JSON object per line, flushed, and
// exactly one final status line, last. Thread-safe (components report
// progress concurrently).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "adjust/protocol/status.hpp"

namespace adjust {

// Whether SIGUSR1/SIGTERM cancel an adjust cleanly (servo then sends SIGUSR1
// instead of SIGKILL).
inline constexpr bool k_has_cancel = true;

// The --info answer: {"version", "has_cancel"}.
nlohmann::ordered_json info_document();

// Compact one-line JSON; invalid UTF-8 (e.g. from an AWS message) is replaced
// rather than thrown on.
std::string to_json_line(const nlohmann::ordered_json& value);

class OutputWriter {
 public:
  explicit OutputWriter(std::ostream& out) : m_out(&out) {}

  // {"progress": percent, "message": message}; dropped after the final line.
  void progress(int percent, std::string_view message);
  // Any other single-line document (the --info and --query answers).
  void document(const nlohmann::ordered_json& value);
  // Text for a person (--query's table), as it is; it ends the output.
  void text(std::string_view text);
  // The final status line; only the first call writes.
  void final_status(const FinalStatus& status);

  bool finished() const;

 private:
  void write_line(const std::string& line);

  std::ostream* m_out;
  mutable std::mutex m_mutex;
  bool m_finished = false;
};

}  // namespace adjust
