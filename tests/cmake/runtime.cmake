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

# dbupdate-like programs linked with a hand-written registry; variants for
# the refusals (an edited migration, another branch's, an older program) and
# a migration generated again.
# Each is dbupdate's front end (tools/dbupdate) over the registry.
foreach(variant "" _edited _branch _short _regenerated)
  add_executable(test_dbupdate${variant} ${CMAKE_CURRENT_SOURCE_DIR}/runtime/demo_registry.c
                 $<TARGET_OBJECTS:modelgen_dbupdate_main>)
  target_compile_options(test_dbupdate${variant} PRIVATE ${MG_WARNINGS})
  target_link_libraries(test_dbupdate${variant} PRIVATE modelgen_runtime)
  if(variant)
    string(TOUPPER "VARIANT${variant}" _def)
    target_compile_definitions(test_dbupdate${variant} PRIVATE ${_def})
  endif()
endforeach()

add_test(NAME runtime/dbupdate_sqlite
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runtime/dbupdate.sh sqlite ${CMAKE_CURRENT_BINARY_DIR})
if(MG_WITH_POSTGRESQL)
  add_test(NAME runtime/dbupdate_postgresql
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runtime/dbupdate.sh postgresql
                   ${CMAKE_CURRENT_BINARY_DIR} ${MG_PG_URL_FILE})
  set_tests_properties(runtime/dbupdate_postgresql PROPERTIES FIXTURES_REQUIRED pg
                       SKIP_RETURN_CODE 77)
endif()

# Unit tests of the runtime that need its build options or the server.
if(MG_WITH_POSTGRESQL)
  foreach(t test_url test_db_pg)
    if(TARGET ${t})
      target_compile_definitions(${t} PRIVATE MG_HAVE_POSTGRESQL=1)
    endif()
  endforeach()
  if(TARGET test_db_pg)
    target_compile_definitions(test_db_pg PRIVATE MG_PG_URL_FILE="${MG_PG_URL_FILE}")
    set_tests_properties(unit/test_db_pg PROPERTIES FIXTURES_REQUIRED pg)
  endif()
endif()

# Every other operation kind with rows (ops_registry.c).
add_executable(test_dbupdate_ops ${CMAKE_CURRENT_SOURCE_DIR}/runtime/ops_registry.c
               $<TARGET_OBJECTS:modelgen_dbupdate_main>)
target_compile_options(test_dbupdate_ops PRIVATE ${MG_WARNINGS})
target_link_libraries(test_dbupdate_ops PRIVATE modelgen_runtime)
add_test(NAME runtime/ops_sqlite
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runtime/ops.sh sqlite ${CMAKE_CURRENT_BINARY_DIR})
if(MG_WITH_POSTGRESQL)
  add_test(NAME runtime/ops_postgresql
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runtime/ops.sh postgresql
                   ${CMAKE_CURRENT_BINARY_DIR} ${MG_PG_URL_FILE})
  set_tests_properties(runtime/ops_postgresql PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
endif()

# Issue 13: a migration run as a recorded sequence on PostgreSQL (the demo's
# migration 13: concurrent indexes, a NOT VALID key validated after): a
# blocking old snapshot (bounded lock wait, holder named, half-done,
# resumed with its invalid index rebuilt), seeded SIGKILLs, a SIGKILL inside
# a concurrent build and one inside a batched fill (migration 7), each
# resumed exactly.
if(MG_WITH_POSTGRESQL AND TARGET dbupdate)
  add_test(NAME online/resume_postgresql
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/online/resume.sh $<TARGET_FILE:dbupdate>
                   ${MG_PG_URL_FILE})
  set_tests_properties(online/resume_postgresql PROPERTIES FIXTURES_REQUIRED pg
                       SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()

# Issue 13 §4: the lock facts of every PostgreSQL step proven on a scratch
# database (tests/online/locks: a corpus of one-operation migrations, each
# step run up and down, its locks, scans and rewrites compared with what
# its file says).
if(MG_WITH_POSTGRESQL AND TARGET modelgen)
  set(_mg_locks_args ${SQLITE3_LINK_LIBRARIES} ${LIBPQ_LINK_LIBRARIES})
  foreach(dir ${LIBPQ_INCLUDE_DIRS})
    list(APPEND _mg_locks_args -I${dir})
  endforeach()
  if(MG_SANITIZE)
    list(APPEND _mg_locks_args -fsanitize=${MG_SANITIZE})
  endif()
  add_test(NAME online/locks_postgresql
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/online/locks/run.sh $<TARGET_FILE:modelgen>
                   ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/runtime/include
                   $<TARGET_FILE:modelgen_runtime> ${MG_PG_URL_FILE} ${_mg_locks_args})
  set_tests_properties(online/locks_postgresql PROPERTIES FIXTURES_REQUIRED pg
                       SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
