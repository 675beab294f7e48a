# CMake functions for applications that use modelgen:
#
#   modelgen_add_migrations(TARGET GENERATED DIR)
#     a static library of every migration in DIR (DIR/registry.c and
#     DIR/migrations/*.c), linked to the runtime; link it into an application
#     and call mg_update() at start-up.
#   modelgen_add_dbupdate(TARGET GENERATED DIR)
#     the dbupdate program for the migrations in DIR.

function(modelgen_add_migrations target)
  cmake_parse_arguments(ARG "" "GENERATED" "" ${ARGN})
  if(NOT ARG_GENERATED)
    message(FATAL_ERROR "modelgen_add_migrations: GENERATED DIR is required")
  endif()
  file(GLOB _mg_sources CONFIGURE_DEPENDS ${ARG_GENERATED}/registry.c
       ${ARG_GENERATED}/migrations/*.c)
  if(NOT _mg_sources)
    message(FATAL_ERROR "modelgen_add_migrations: no registry.c in ${ARG_GENERATED}; run modelgen diff")
  endif()
  add_library(${target} STATIC ${_mg_sources})
  target_link_libraries(${target} PUBLIC modelgen::runtime)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
endfunction()

function(modelgen_add_dbupdate target)
  cmake_parse_arguments(ARG "" "GENERATED" "" ${ARGN})
  modelgen_add_migrations(${target}_migrations GENERATED ${ARG_GENERATED})
  # The front end's main() (tools/dbupdate) runs `modelgen_registry`.
  add_executable(${target} $<TARGET_OBJECTS:modelgen::dbupdate_main>)
  target_link_libraries(${target} PRIVATE ${target}_migrations modelgen::dbupdate_main)
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
endfunction()
