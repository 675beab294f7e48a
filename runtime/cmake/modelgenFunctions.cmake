# CMake functions for applications that use modelgen:
#
#   modelgen_add_migrations(TARGET GENERATED DIR)
#     a static library of every migration in DIR (DIR/registry.c and
#     DIR/migrations/*.c), linked to the runtime; link it into an application
#     and call mg_update() at start-up.
#   modelgen_add_dbupdate(TARGET GENERATED DIR)
#     the dbupdate program for the migrations in DIR.
#   modelgen_add_check_test(NAME [MODELS DIR...] [GENERATED DIR]
#                           [WORKING_DIRECTORY DIR])
#     a ctest that runs `modelgen check` (in WORKING_DIRECTORY, default the
#     current source directory; models and generated/ relative to it): it
#     fails when a model changed without its migration, a migration was
#     edited, the history has a gap, or two branches each added one.

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

function(modelgen_add_check_test name)
  cmake_parse_arguments(ARG "" "GENERATED;WORKING_DIRECTORY" "MODELS" ${ARGN})
  if(TARGET modelgen)
    set(_mg_exe $<TARGET_FILE:modelgen>)
  elseif(MODELGEN_EXECUTABLE)
    set(_mg_exe ${MODELGEN_EXECUTABLE})
  else()
    message(FATAL_ERROR "modelgen_add_check_test: no modelgen program (find_package(modelgen) first)")
  endif()
  set(_mg_args)
  foreach(_dir ${ARG_MODELS})
    list(APPEND _mg_args -M ${_dir})
  endforeach()
  if(ARG_GENERATED)
    list(APPEND _mg_args -G ${ARG_GENERATED})
  endif()
  # The project's own include paths, when CMake writes them down.
  if(CMAKE_EXPORT_COMPILE_COMMANDS)
    list(APPEND _mg_args -p ${CMAKE_BINARY_DIR})
  endif()
  if(NOT ARG_WORKING_DIRECTORY)
    set(ARG_WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  add_test(NAME ${name} COMMAND ${_mg_exe} ${_mg_args} check
           WORKING_DIRECTORY ${ARG_WORKING_DIRECTORY})
endfunction()
