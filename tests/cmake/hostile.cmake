# Hostile input (tests/hostile/run.sh): names, defaults, comments and URLs
# that try to inject SQL or C; refused or quoted, databases untouched. Builds
# a dbupdate from generated code like tests/golden/apply_generated.sh.
set(_mg_hostile_libs ${SQLITE3_LINK_LIBRARIES})
if(MG_WITH_POSTGRESQL)
  list(APPEND _mg_hostile_libs ${LIBPQ_LINK_LIBRARIES})
endif()
if(MG_SANITIZE)
  list(APPEND _mg_hostile_libs -fsanitize=${MG_SANITIZE})
endif()
add_test(NAME hostile/all
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/hostile/run.sh $<TARGET_FILE:modelgen>
                 ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/runtime/include
                 $<TARGET_FILE:modelgen_runtime> ${PROJECT_BINARY_DIR}/pg_url.txt
                 ${_mg_hostile_libs})
if(MG_WITH_POSTGRESQL)
  set_tests_properties(hostile/all PROPERTIES FIXTURES_REQUIRED pg)
endif()
