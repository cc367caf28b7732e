# Install rules beyond the binary, and the Debian package CPack builds from them.
# Included by the top-level CMakeLists.txt when adjust is the top-level project.
#
#   cmake --build BUILD --target adjust adjust_man && cd BUILD && cpack -G DEB
#
# (scripts/package.sh does exactly that.) What the package holds, under /usr:
#   bin/adjust                               stripped (CPACK_STRIP_FILES)
#   share/man/man1/adjust.1.gz               docs/adjust.1, gzip -9n at build time
#   share/doc/adjust/README.md
#   share/doc/adjust/examples/config.yaml.example
#   share/doc/adjust/copyright               the licence, in Debian's machine-readable format
#   share/doc/adjust/changelog.gz            one entry, for this version
# Depends is computed by dpkg-shlibdeps (Debian package dpkg-dev) from the libraries
# the binary links; CPack also needs `file` to find the ELF files.

include_guard(GLOBAL)
include(GNUInstallDirs)

# The install target (and cpack under Makefile generators, which runs "preinstall"
# first) does not build "all": installing or packaging a build directory configured
# with tests ON (CI's) never builds the tests, benchmarks or fuzzers. Build what you
# install first: `cmake --build BUILD` (all), or the two targets above; then
# `cmake --install BUILD` or cpack.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# --- The man page, with the project's version in its title line (docs/adjust.1 is
# rendered as it is by `man -l`, so it keeps a literal version; the installed page
# always has this build's), then compressed as Debian wants it: gzip -9, without
# name or timestamp (-n), so that the same page always gives the same bytes.
find_program(ADJUST_GZIP gzip REQUIRED)
set(adjust_man_dir ${PROJECT_BINARY_DIR}/man)
file(READ ${PROJECT_SOURCE_DIR}/docs/adjust.1 adjust_man_page)
string(REGEX REPLACE "(\n\\.TH [^\n]*\"adjust )[^\"]*\"" "\\1${PROJECT_VERSION}\""
  adjust_man_page "${adjust_man_page}")
# Written as it is (no @VAR@ expansion), and only when it changed.
file(WRITE ${adjust_man_dir}/adjust.1.new "${adjust_man_page}")
configure_file(${adjust_man_dir}/adjust.1.new ${adjust_man_dir}/adjust.1 COPYONLY)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/docs/adjust.1)
add_custom_command(
  OUTPUT ${adjust_man_dir}/adjust.1.gz
  COMMAND ${ADJUST_GZIP} -9nkf ${adjust_man_dir}/adjust.1
  DEPENDS ${adjust_man_dir}/adjust.1
  COMMENT "Compressing the man page adjust.1"
  VERBATIM)
add_custom_target(adjust_man ALL DEPENDS ${adjust_man_dir}/adjust.1.gz)

# --- /usr/share/doc/adjust/copyright: Debian's place for the licence, in its
# machine-readable format (DEP-5). As Debian policy asks (and lintian checks), it
# points to the system's copy of the Apache License 2.0 (base-files ships it) rather
# than repeating it; LICENSE in the sources is that same text.
set(ADJUST_PACKAGE_MAINTAINER "adjust maintainers <maintainers@adjust.invalid>"
  CACHE STRING "Maintainer field of the Debian package (Name <email>)")
set(adjust_copyright ${PROJECT_BINARY_DIR}/copyright)
file(CONFIGURE OUTPUT ${adjust_copyright} @ONLY CONTENT
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: adjust
Comment: adjust - Copyright 2026 the adjust authors; Apache-2.0

Files: *
Copyright: 2026 the adjust authors
License: Apache-2.0

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the \"License\");
 you may not use this file except in compliance with the License.
 You may obtain a copy of the License at
 .
 http://www.apache.org/licenses/LICENSE-2.0
 .
 Unless required by applicable law or agreed to in writing, software
 distributed under the License is distributed on an \"AS IS\" BASIS,
 WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 See the License for the specific language governing permissions and
 limitations under the License.
 .
 On Debian systems, the full text of the Apache License, Version 2.0
 can be found in the file /usr/share/common-licenses/Apache-2.0.
")

# --- /usr/share/doc/adjust/changelog.gz: every Debian package has one (a native
# package, as this is: its version has no Debian revision). One entry for the
# version; the project's history is its git log. Dated the day of configuring, or by
# SOURCE_DATE_EPOCH when set (reproducible builds), and compressed like the man page.
string(TIMESTAMP adjust_changelog_date "%a, %d %b %Y 00:00:00 +0000" UTC)
set(adjust_changelog_dir ${PROJECT_BINARY_DIR}/changelog)
file(CONFIGURE OUTPUT ${adjust_changelog_dir}/changelog @ONLY CONTENT
"adjust (@PROJECT_VERSION@) stable; urgency=medium

  * adjust @PROJECT_VERSION@, packaged by CPack (cmake/packaging.cmake); what
    changed is in the project's git history.

 -- @ADJUST_PACKAGE_MAINTAINER@  @adjust_changelog_date@
")
add_custom_command(
  OUTPUT ${adjust_changelog_dir}/changelog.gz
  COMMAND ${ADJUST_GZIP} -9nkf ${adjust_changelog_dir}/changelog
  DEPENDS ${adjust_changelog_dir}/changelog
  COMMENT "Compressing the package changelog"
  VERBATIM)
add_custom_target(adjust_changelog ALL DEPENDS ${adjust_changelog_dir}/changelog.gz)
# Building the man page builds the changelog too: scripts/package.sh and the
# Dockerfile name adjust_man.
add_dependencies(adjust_man adjust_changelog)

# --- Install rules (the binary's is in CMakeLists.txt).
install(FILES ${adjust_man_dir}/adjust.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${adjust_copyright} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${adjust_changelog_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/config.yaml.example DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# --- CPack: one Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME adjust)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the adjust authors")
set(CPACK_PACKAGE_CONTACT "${ADJUST_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Opsani servo adjust driver for AWS ECS Fargate")
set(CPACK_PACKAGE_DESCRIPTION
"adjust lets the Opsani servo optimizer tune ECS Fargate services: task CPU,
task memory, the number of replicas and chosen container environment
variables. It is a drop-in replacement for the Python servo-fargate driver
(same command line, config.yaml and JSON protocol on stdout), and never
reports success for a deployment that did not come up.")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Directories in the package are 0755 whatever the umask of the one who builds it.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ADJUST_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # adjust_<version>_<arch>.deb
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# No source package: `git archive` does that job.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
