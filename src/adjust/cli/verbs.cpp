#include "adjust/cli/verbs.hpp"

#include "adjust/aws/curl_transport.hpp"

namespace adjust::verbs {

Result<Config> load_run_config(Context& context) {
  std::string path = resolve_config_path(context.line.config_path, context.env);
  auto config = load_config(path, context.env);
  if (!config) return config;
  std::vector<std::string> names;
  for (const auto& component : config->components) names.push_back(component.name);
  context.logger.set_component_names(std::move(names));
  for (const auto& warning : config->warnings) context.logger.warn(path + ": " + warning);
  return config;
}

std::unique_ptr<Transport> make_real_transport(Logger* trace_logger, bool curl_verbose) {
  return std::make_unique<CurlTransport>(trace_logger, curl_verbose);
}

}  // namespace adjust::verbs
