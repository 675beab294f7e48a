# Concurrent deploys and SIGKILL crash trials (tests/concurrency/run.sh) on
# SQLite and PostgreSQL (fixture "pg"; its URL file is named here since
# runtime.cmake, which sets MG_PG_URL_FILE, is included after this file).
# MG_CRASH_TRIALS / MG_SOAK=1 (200 trials) in the environment of ctest.
foreach(what concurrent crash)
  add_test(NAME ${what}/sqlite
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/concurrency/run.sh ${what} sqlite
                   ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(${what}/sqlite PROPERTIES TIMEOUT 1800)
  if(MG_WITH_POSTGRESQL)
    add_test(NAME ${what}/postgresql
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/concurrency/run.sh ${what} postgresql
                     ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_BINARY_DIR}/pg_url.txt)
    set_tests_properties(${what}/postgresql PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77
                         TIMEOUT 1800)
  endif()
endforeach()
