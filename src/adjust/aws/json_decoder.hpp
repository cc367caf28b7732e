// Tolerant reading of AWS JSON responses: a missing or null field keeps its
// default; a field of the wrong type records the first error, naming its JSON
// path, so a whole object can be decoded before checking once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include "adjust/base/result.hpp"

namespace adjust {

class JsonDecoder {
 public:
  explicit JsonDecoder(std::string what) : m_what(std::move(what)) {}

  void read(const nlohmann::json& object, std::string_view path, const char* key, std::string& out);
  void read(const nlohmann::json& object, std::string_view path, const char* key, int& out);
  void read(const nlohmann::json& object, std::string_view path, const char* key, std::optional<int>& out);
  void read(const nlohmann::json& object, std::string_view path, const char* key, bool& out);
  // Any finite number (traffic weights, percentages).
  void read(const nlohmann::json& object, std::string_view path, const char* key, std::optional<double>& out);
  // An array of strings (alarm names, stages); a non-string element is an error naming it.
  void read(const nlohmann::json& object, std::string_view path, const char* key,
            std::vector<std::string>& out);
  // Epoch seconds (ECS timestamps).
  void read(const nlohmann::json& object, std::string_view path, const char* key,
            std::optional<std::chrono::system_clock::time_point>& out);
  // The member when it is an array (nullptr when missing/null; error if not an array).
  const nlohmann::json* array(const nlohmann::json& object, std::string_view path, const char* key);
  const nlohmann::json* object(const nlohmann::json& object, std::string_view path, const char* key);
  // Check that a value is an object (array elements).
  bool expect_object(const nlohmann::json& value, std::string_view path);

  bool failed() const { return m_error.has_value(); }
  Error error() const { return m_error.value_or(Error{}); }

 private:
  const nlohmann::json* member(const nlohmann::json& object, const char* key);
  void type_error(std::string_view path, const char* key, const char* expected, const nlohmann::json& value);

  std::string m_what;
  std::optional<Error> m_error;
};

std::string json_path(std::string_view parent, std::string_view key);
std::string json_path(std::string_view parent, std::size_t index);

// Apply `decode(element, element_path)` to each object element of the array
// member `key` of `parent` (at `path`); other elements record an error.
template <class T, class F>
std::vector<T> decode_list(JsonDecoder& d, const nlohmann::json& parent, const std::string& path,
                           const char* key, F decode) {
  std::vector<T> out;
  if (const auto* items = d.array(parent, path, key)) {
    std::string base = json_path(path, key);
    for (std::size_t i = 0; i < items->size(); ++i) {
      std::string item_path = json_path(base, i);
      if (d.expect_object((*items)[i], item_path)) {
        out.push_back(decode((*items)[i], item_path));
      }
    }
  }
  return out;
}

}  // namespace adjust
