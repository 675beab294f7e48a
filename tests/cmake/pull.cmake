# modelgen pull (issue 14): the round trip over the corpus in tests/pull/
# (pull, compile, diff, a new database from migration 1, compared with the
# original by introspect.py) and the bad-input refusals, one ctest per
# dialect; PostgreSQL shares the server of the ctest fixture "pg".
find_program(MG_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(MG_PYTHON3 NAMES python3)
if(NOT MG_PG_URL_FILE)
  set(MG_PG_URL_FILE ${PROJECT_BINARY_DIR}/pg_url.txt)
endif()
if(MG_PYTHON3 AND TARGET dbupdate)
  # --adopt: the compiler, runtime library and link flags a dbupdate for
  # the pulled models is built with (--baseline 1 on some schemas).
  set(_mg_pull_libs ${SQLITE3_LINK_LIBRARIES} ${CMAKE_DL_LIBS} m pthread)
  if(MG_WITH_POSTGRESQL)
    list(APPEND _mg_pull_libs ${LIBPQ_LINK_LIBRARIES})
  endif()
  list(TRANSFORM _mg_pull_libs PREPEND "-l" REGEX "^[^-/]")
  if(MG_SANITIZE)
    list(APPEND _mg_pull_libs -fsanitize=${MG_SANITIZE})
  endif()
  list(JOIN _mg_pull_libs " " _mg_pull_libs)
  set(_mg_pull ${MG_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/pull/run.py)
  set(_mg_adopt --adopt ${CMAKE_C_COMPILER} $<TARGET_FILE:modelgen_runtime> "${_mg_pull_libs}")
  add_test(NAME pull/corpus_sqlite
           COMMAND ${_mg_pull} sqlite $<TARGET_FILE:modelgen> $<TARGET_FILE:dbupdate>
                   ${CMAKE_CURRENT_BINARY_DIR}/pull/sqlite ${_mg_adopt})
  if(MG_WITH_POSTGRESQL)
    add_test(NAME pull/corpus_postgresql
             COMMAND ${_mg_pull} postgresql $<TARGET_FILE:modelgen> $<TARGET_FILE:dbupdate>
                     ${CMAKE_CURRENT_BINARY_DIR}/pull/postgresql ${MG_PG_URL_FILE} ${_mg_adopt})
    set_tests_properties(pull/corpus_postgresql PROPERTIES FIXTURES_REQUIRED pg
                         SKIP_RETURN_CODE 77)
  endif()
endif()
