# Runtime tests: one throw-away PostgreSQL 15 server per ctest run (fixture
# "pg": its URL is in ${MG_PG_URL_FILE}; tests that need it declare
# FIXTURES_REQUIRED pg and skip when the file is missing), the dbupdate-like
# test programs linked with hand-written registries, and the shell tests that
# drive them.
set(MG_PG_URL_FILE ${PROJECT_BINARY_DIR}/pg_url.txt)
if(MG_WITH_POSTGRESQL)
  add_test(NAME runtime/pg_start
           COMMAND sh ${PROJECT_SOURCE_DIR}/tools/pg.sh fixture-start ${MG_PG_URL_FILE})
  set_tests_properties(runtime/pg_start PROPERTIES FIXTURES_SETUP pg)
  add_test(NAME runtime/pg_stop
           COMMAND sh ${PROJECT_SOURCE_DIR}/tools/pg.sh fixture-stop ${MG_PG_URL_FILE})
  set_tests_properties(runtime/pg_stop PROPERTIES FIXTURES_CLEANUP pg)
endif()
