# Allocation failure (tests/alloc): the runtime built to fail its n-th
# allocation, along mg_update's create and migrate paths and mg_status +
# mg_verify, for every n, on SQLite and on the PostgreSQL fixture. Leaks are
# found by the ASan pass (LeakSanitizer). Also: the installed library
# exports the public API only and never aborts or prints (tests/symbols).
add_executable(test_alloc_failure ${CMAKE_CURRENT_SOURCE_DIR}/alloc/alloc_failure.c
               ${CMAKE_CURRENT_SOURCE_DIR}/runtime/demo_registry.c)
target_compile_options(test_alloc_failure PRIVATE ${MG_WARNINGS})
target_link_libraries(test_alloc_failure PRIVATE modelgen_runtime_inject)
add_test(NAME alloc/sqlite
         COMMAND test_alloc_failure sqlite ${CMAKE_CURRENT_BINARY_DIR})
if(MG_WITH_POSTGRESQL)
  add_test(NAME alloc/postgresql
           COMMAND test_alloc_failure postgresql ${CMAKE_CURRENT_BINARY_DIR}
                   ${PROJECT_BINARY_DIR}/pg_url.txt)
  # Every 5th n on PostgreSQL (a run costs round trips to a server).
  set_tests_properties(alloc/postgresql PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77
                       ENVIRONMENT MG_ALLOC_STRIDE=5)
endif()

add_test(NAME install/symbols
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/symbols/run.sh ${PROJECT_BINARY_DIR})
