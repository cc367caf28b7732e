#include "adjust/cli/notify.hpp"

#include <nlohmann/json.hpp>

namespace adjust {

std::string notification_body(const FinalStatus& status) {
  std::string text = std::string("adjust ") + protocol::to_string(status.status) + " (" +
                     protocol::to_string(status.reason) + ")";
  if (!status.message.empty()) text += ": " + status.message;
  return nlohmann::json{{"text", text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void notify_outcome(Transport& transport, const std::string& webhook_url, const FinalStatus& status,
                    Logger& logger) {
  HttpRequest request;
  request.method = "POST";
  request.url = webhook_url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = notification_body(status);
  request.connect_timeout = std::chrono::milliseconds(2000);
  request.timeout = std::chrono::milliseconds(5000);
  auto response = transport.send(request);
  // The URL itself is a secret for most webhooks: never log it.
  if (!response) {
    logger.warn("notify: webhook not reached: " + std::string(to_string(response.error().code)));
  } else if (response->status < 200 || response->status >= 300) {
    logger.warn("notify: webhook answered HTTP " + std::to_string(response->status));
  } else {
    logger.debug("notify: webhook answered HTTP " + std::to_string(response->status));
  }
}

}  // namespace adjust
