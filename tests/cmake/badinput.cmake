# The bad-input catalogue (tests/badinput/run.sh): generator cases, and the
# database cases on SQLite and on PostgreSQL (fixture "pg", whose URL file
# runtime.cmake names: included after this fragment).
add_test(NAME badinput/generator
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/badinput/run.sh generator
                 $<TARGET_FILE:modelgen> ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME badinput/sqlite
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/badinput/run.sh sqlite
                 $<TARGET_FILE:modelgen> ${CMAKE_CURRENT_BINARY_DIR})
if(MG_WITH_POSTGRESQL)
  add_test(NAME badinput/postgresql
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/badinput/run.sh postgresql
                   $<TARGET_FILE:modelgen> ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_BINARY_DIR}/pg_url.txt)
  set_tests_properties(badinput/postgresql PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
endif()
