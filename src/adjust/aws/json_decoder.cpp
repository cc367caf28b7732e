#include "adjust/aws/json_decoder.hpp"

#include <cmath>
#include <limits>

#include "adjust/aws/time.hpp"

namespace adjust {

std::string json_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "/" + std::string(key);
}

std::string json_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

const nlohmann::json* JsonDecoder::member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return nullptr;
  }
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    return nullptr;
  }
  return &*found;
}

void JsonDecoder::type_error(std::string_view path, const char* key, const char* expected,
                             const nlohmann::json& value) {
  if (m_error) {
    return;
  }
  m_error = Error{ErrorCode::aws_bad_response,
                  m_what + ": " + (key == nullptr ? std::string(path) : json_path(path, key)) +
                      ": expected " + expected + ", got " + value.type_name(),
                  {},
                  {},
                  0};
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key,
                       std::string& out) {
  if (const auto* value = member(object, key)) {
    if (value->is_string()) {
      out = value->get_ref<const std::string&>();
    } else {
      type_error(path, key, "a string", *value);
    }
  }
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key,
                       std::optional<int>& out) {
  if (const auto* value = member(object, key)) {
    if (value->is_number()) {
      double number = value->get<double>();
      if (std::trunc(number) == number && number >= std::numeric_limits<int>::min() &&
          number <= std::numeric_limits<int>::max()) {
        out = static_cast<int>(number);
        return;
      }
    }
    type_error(path, key, "an integer", *value);
  }
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key, int& out) {
  std::optional<int> value;
  read(object, path, key, value);
  if (value) {
    out = *value;
  }
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key, bool& out) {
  if (const auto* value = member(object, key)) {
    if (value->is_boolean()) {
      out = value->get<bool>();
    } else {
      type_error(path, key, "a boolean", *value);
    }
  }
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key,
                       std::optional<double>& out) {
  if (const auto* value = member(object, key)) {
    // nlohmann never parses NaN or infinity, but a value built in code may hold one.
    if (value->is_number() && std::isfinite(value->get<double>())) {
      out = value->get<double>();
    } else {
      type_error(path, key, "a number", *value);
    }
  }
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key,
                       std::vector<std::string>& out) {
  const auto* items = array(object, path, key);
  if (items == nullptr) {
    return;
  }
  std::vector<std::string> values;
  values.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    if (!item.is_string()) {
      type_error(json_path(json_path(path, key), i), nullptr, "a string", item);
      return;
    }
    values.push_back(item.get<std::string>());
  }
  out = std::move(values);
}

void JsonDecoder::read(const nlohmann::json& object, std::string_view path, const char* key,
                       std::optional<std::chrono::system_clock::time_point>& out) {
  if (const auto* value = member(object, key)) {
    if (value->is_number()) {
      auto parsed = aws_time::from_epoch_seconds(value->get<double>());
      if (parsed) {
        out = parsed;
      } else {
        type_error(path, key, "a timestamp between 1970 and 2200", *value);
      }
    } else if (value->is_string()) {
      // Tolerate ISO 8601 strings (some emulators send them).
      auto parsed = aws_time::parse_iso8601(value->get_ref<const std::string&>());
      if (parsed) {
        out = parsed;
      } else {
        type_error(path, key, "a timestamp", *value);
      }
    } else {
      type_error(path, key, "a timestamp", *value);
    }
  }
}

const nlohmann::json* JsonDecoder::array(const nlohmann::json& object, std::string_view path,
                                         const char* key) {
  const auto* value = member(object, key);
  if (value != nullptr && !value->is_array()) {
    type_error(path, key, "an array", *value);
    return nullptr;
  }
  return value;
}

const nlohmann::json* JsonDecoder::object(const nlohmann::json& parent, std::string_view path,
                                          const char* key) {
  const auto* value = member(parent, key);
  if (value != nullptr && !value->is_object()) {
    type_error(path, key, "an object", *value);
    return nullptr;
  }
  return value;
}

bool JsonDecoder::expect_object(const nlohmann::json& value, std::string_view path) {
  if (!value.is_object()) {
    type_error(path, nullptr, "an object", value);
    return false;
  }
  return true;
}

}  // namespace adjust
