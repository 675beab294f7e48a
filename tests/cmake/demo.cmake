# The demo application (models/, generated/): `modelgen check` in the source
# tree, so that CI fails when generated/ is stale (models changed without
# `modelgen diff`, a migration edited, a registry or snapshot out of date).
add_test(NAME demo/check COMMAND modelgen check WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(demo/check PROPERTIES ENVIRONMENT NO_COLOR=1)

# The demo's generated C (and its hand-written migration) compiles with every
# warning an error under gcc and clang.
file(GLOB _mg_demo_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/generated/registry.c
     ${PROJECT_SOURCE_DIR}/generated/migrations/*.c)
foreach(_mg_cc gcc clang-14)
  find_program(_mg_demo_${_mg_cc} NAMES ${_mg_cc})
  if(_mg_demo_${_mg_cc} AND _mg_demo_sources)
    add_test(NAME demo/compile_${_mg_cc}
             COMMAND ${_mg_demo_${_mg_cc}} -std=c11 -Wall -Wextra -Wpedantic -Werror
                     -I${PROJECT_SOURCE_DIR}/runtime/include -fsyntax-only ${_mg_demo_sources})
  endif()
endforeach()
