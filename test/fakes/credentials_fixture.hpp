// A CredentialContext over fakes, shared by the credentials tests.
#pragma once

#include <sstream>

#include "adjust/aws/credentials/sources.hpp"
#include "fakes/clock.hpp"
#include "fakes/files.hpp"
#include "fakes/sts.hpp"
#include "fakes/transport.hpp"

namespace adjust::testing {

struct CredentialsFixture {
  MapEnvironment env;
  ProfileFiles profiles;
  MapFileSource files;
  FakeTransport transport;
  RecordingSts sts;
  FakeClock clock{k_new_year_2024};
  std::ostringstream log_text;
  Logger logger{log_text, LogLevel::trace};

  CredentialsFixture() {
    profiles.credentials_path = "/home/u/.aws/credentials";
    profiles.config_path = "/home/u/.aws/config";
  }

  CredentialContext context() {
    return CredentialContext{env, profiles, files, transport, sts, clock, logger};
  }

  // Parse and install profile files from text.
  void config(std::string_view text) {
    profiles.config = *parse_profile_file(text, ProfileFileKind::config, profiles.config_path);
    profiles.config_exists = true;
  }
  void credentials(std::string_view text) {
    profiles.credentials = *parse_profile_file(text, ProfileFileKind::credentials, profiles.credentials_path);
    profiles.credentials_exists = true;
  }
  void select(std::string name) {
    profiles.selected = std::move(name);
    profiles.selected_explicitly = true;
  }
};

}  // namespace adjust::testing
