# Generated C of the golden cases compiles cleanly: for every case with an
# expected/generated/ (the generated/ folder its command writes, made whole
# by tests/golden/materialize.sh) one ctest per compiler (gcc,
# clang-14) builds registry.c and migrations/*.c with every warning an error,
# and one per dialect builds a dbupdate from it and applies it (create path,
# migrate path, down and up, each verified; PostgreSQL on the `pg` fixture).
# Also: the generator's output is byte-identical across runs and checkouts.
set(_mg_gen_compilers)
find_program(MG_GCC NAMES gcc)
find_program(MG_CLANG14 NAMES clang-14 clang)
if(MG_GCC)
  list(APPEND _mg_gen_compilers gcc=${MG_GCC})
endif()
if(MG_CLANG14)
  list(APPEND _mg_gen_compilers clang=${MG_CLANG14})
endif()

set(_mg_apply_libs ${SQLITE3_LINK_LIBRARIES})
if(MG_WITH_POSTGRESQL)
  list(APPEND _mg_apply_libs ${LIBPQ_LINK_LIBRARIES})
endif()
# A sanitized runtime library needs the sanitizer runtime at link time.
if(MG_SANITIZE)
  list(APPEND _mg_apply_libs -fsanitize=${MG_SANITIZE})
endif()

file(GLOB _mg_gen_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/tests/golden/*/expected/generated)
foreach(dir ${_mg_gen_dirs})
  if(NOT IS_DIRECTORY ${dir})
    continue()
  endif()
  get_filename_component(_case_dir ${dir} DIRECTORY)
  get_filename_component(_case_dir ${_case_dir} DIRECTORY)
  get_filename_component(_case ${_case_dir} NAME)
  add_test(NAME generated_apply/${_case}/sqlite
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/golden/apply_generated.sh sqlite
                   ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/runtime/include
                   $<TARGET_FILE:modelgen_runtime> ${_case_dir} ${PROJECT_BINARY_DIR}/pg_url.txt
                   ${_mg_apply_libs})
  if(MG_WITH_POSTGRESQL)
    add_test(NAME generated_apply/${_case}/postgresql
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/golden/apply_generated.sh postgresql
                     ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/runtime/include
                     $<TARGET_FILE:modelgen_runtime> ${_case_dir} ${PROJECT_BINARY_DIR}/pg_url.txt
                     ${_mg_apply_libs})
    set_tests_properties(generated_apply/${_case}/postgresql PROPERTIES
                         FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
  endif()
  foreach(pair ${_mg_gen_compilers})
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 _name)
    list(GET pair 1 _cc)
    add_test(NAME generated_compile/${_case}/${_name}
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/golden/compile_generated.sh ${_cc}
                     ${PROJECT_SOURCE_DIR}/runtime/include ${_case_dir})
  endforeach()
endforeach()

add_test(NAME generated_determinism
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/golden/determinism.sh $<TARGET_FILE:modelgen>
                 ${PROJECT_SOURCE_DIR}/tests/golden/diff_init/models)
