# Install rules: the shared and static libraries, the public headers, the
# command-line tool, a pkg-config file (wirekit.pc) and a CMake package
# (find_package(wirekit) -> wirekit::wirekit, wirekit::wirekit_static).
#
# Included from the top-level CMakeLists.txt after the library targets and
# cli/ exist. Components: Runtime (shared library, CLI) and Development
# (headers, static library, .so link, pkg-config and CMake files).

include(CMakePackageConfigHelpers)

# The pkg-config modules libwirekit links, in pairs: the prefix and the
# module as given to pkg_check_modules() in the top-level CMakeLists.txt
# (which makes the imported target PkgConfig::<prefix>). This one list makes
# Requires.private of wirekit.pc and the targets that wirekitConfig.cmake
# re-creates for the exported libraries. A new backend adds its pair here,
# e.g. wk_xml "libxml-2.0>=2.9"; configuring fails if one is forgotten.
set(WK_INSTALL_PKG_DEPS
  wk_yajl    "yajl>=2.1"
  wk_msgpack "msgpack>=3"
  wk_xml     "libxml-2.0>=2.9"
  wk_protobuf_c "libprotobuf-c>=1.3")

set(WK_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/wirekit)

# From the list, Requires.private for wirekit.pc and the list of
# PkgConfig::<prefix> targets it covers.
set(wk_pc_requires "")
set(wk_pc_targets "")
set(wk_deps ${WK_INSTALL_PKG_DEPS})
while(wk_deps)
  list(POP_FRONT wk_deps wk_prefix wk_spec)
  # pkg-config writes "yajl >= 2.1".
  string(REGEX REPLACE "^([^<>=]+)([<>=]+)(.+)$" "\\1 \\2 \\3" wk_spec "${wk_spec}")
  list(APPEND wk_pc_requires "${wk_spec}")
  list(APPEND wk_pc_targets PkgConfig::${wk_prefix})
endwhile()
string(REPLACE ";" ", " WK_PC_REQUIRES_PRIVATE "${wk_pc_requires}")

# Every PkgConfig:: target the libraries link must be in the list, or the
# installed package would name a target that nothing re-creates.
foreach(wk_lib wirekit wirekit_static)
  get_target_property(wk_links ${wk_lib} LINK_LIBRARIES)
  foreach(wk_link IN LISTS wk_links)
    if(wk_link MATCHES "^PkgConfig::" AND NOT wk_link IN_LIST wk_pc_targets)
      message(FATAL_ERROR "${wk_lib} links ${wk_link}, which is missing from "
        "WK_INSTALL_PKG_DEPS in cmake/install.cmake: add its prefix and pkg-config module there.")
    endif()
  endforeach()
endforeach()

# Libraries and headers.
install(TARGETS wirekit wirekit_static EXPORT wirekitTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
    NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/wirekit
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT Development
  FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/proto/wirekit/options.proto DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/wirekit COMPONENT Development)

# The CLI finds the library next to it ($ORIGIN/../lib), wherever the
# prefix is put at install time; an absolute libdir is used as it is.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(wk_cli_rpath "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH wk_bin_to_lib "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}")
  set(wk_cli_rpath "$ORIGIN/${wk_bin_to_lib}")
endif()
set_target_properties(wirekit_cli PROPERTIES INSTALL_RPATH "${wk_cli_rpath}")
install(TARGETS wirekit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)

# pkg-config. The file is written at install time, so that its prefix is
# the one actually installed to (cmake --install --prefix DIR), not the
# one configured; libdir and includedir follow the prefix unless absolute.
foreach(wk_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${wk_dir}}")
    set(WK_PC_${wk_dir} "${CMAKE_INSTALL_${wk_dir}}")
  else()
    set(WK_PC_${wk_dir} "\${prefix}/${CMAKE_INSTALL_${wk_dir}}")
  endif()
endforeach()
set(wk_pc_build "${PROJECT_BINARY_DIR}/wirekit.pc")
install(CODE "
  set(WK_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(WK_PC_LIBDIR [[${WK_PC_LIBDIR}]])
  set(WK_PC_INCLUDEDIR [[${WK_PC_INCLUDEDIR}]])
  set(WK_PC_REQUIRES_PRIVATE [[${WK_PC_REQUIRES_PRIVATE}]])
  set(PROJECT_DESCRIPTION [[${PROJECT_DESCRIPTION}]])
  set(PROJECT_VERSION [[${PROJECT_VERSION}]])
  configure_file([[${PROJECT_SOURCE_DIR}/cmake/wirekit.pc.in]] [[${wk_pc_build}]] @ONLY)
" COMPONENT Development)
install(FILES "${wk_pc_build}"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT Development)

# CMake package: targets, config (which re-creates the PkgConfig:: targets
# first) and version.
install(EXPORT wirekitTargets
  NAMESPACE wirekit::
  DESTINATION ${WK_CMAKE_INSTALL_DIR}
  COMPONENT Development)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/wirekitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/wirekitConfig.cmake
  INSTALL_DESTINATION ${WK_CMAKE_INSTALL_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/wirekitConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/wirekitConfig.cmake
  ${PROJECT_BINARY_DIR}/wirekitConfigVersion.cmake
  DESTINATION ${WK_CMAKE_INSTALL_DIR}
  COMPONENT Development)
