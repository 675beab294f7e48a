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
# Hostile values through the data API (tests/hostile/data_api.sh): a
# hand-written migration binds and reads back values made to break out of
# SQL ("values"); calls whose parameters do not match the placeholders fail
# and run nothing ("params"). One test per part and dialect.
foreach(_mg_part values params)
  foreach(_mg_dialect sqlite postgresql)
    if(_mg_dialect STREQUAL "postgresql" AND NOT MG_WITH_POSTGRESQL)
      continue()
    endif()
    set(_mg_name hostile/data_${_mg_part}_${_mg_dialect})
    add_test(NAME ${_mg_name}
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/hostile/data_api.sh ${_mg_part} ${_mg_dialect}
                     $<TARGET_FILE:modelgen> ${CMAKE_C_COMPILER}
                     ${PROJECT_SOURCE_DIR}/runtime/include $<TARGET_FILE:modelgen_runtime>
                     ${PROJECT_BINARY_DIR}/pg_url.txt ${_mg_hostile_libs})
    if(_mg_dialect STREQUAL "postgresql")
      set_tests_properties(${_mg_name} PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
    endif()
  endforeach()
endforeach()
