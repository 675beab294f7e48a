# Round-trip proof for the demo history in generated/ (tests/roundtrip/):
# replaying every migration equals the create path, down then up at every
# step gives the same schema, rows survive each step. Schemas are compared
# with tests/roundtrip/introspect.py, independent of the runtime. One test
# per dialect; PostgreSQL uses the ctest fixture "pg" (tests/cmake/runtime.cmake).
# Debian's python3 first (standard library only), as property.cmake does.
find_program(MG_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(MG_PYTHON3 NAMES python3 REQUIRED)
if(TARGET dbupdate)
  set(_mg_rt ${CMAKE_CURRENT_SOURCE_DIR}/roundtrip/roundtrip.py)
  add_test(NAME roundtrip/demo_sqlite
           COMMAND ${MG_PYTHON3} ${_mg_rt} sqlite $<TARGET_FILE:dbupdate>
                   ${CMAKE_CURRENT_BINARY_DIR}/roundtrip/sqlite)
  if(MG_WITH_POSTGRESQL)
    # The same file the fixture writes (runtime.cmake may be read after this).
    add_test(NAME roundtrip/demo_postgresql
             COMMAND ${MG_PYTHON3} ${_mg_rt} postgresql $<TARGET_FILE:dbupdate>
                     ${CMAKE_CURRENT_BINARY_DIR}/roundtrip/postgresql ${PROJECT_BINARY_DIR}/pg_url.txt)
    set_tests_properties(roundtrip/demo_postgresql PROPERTIES FIXTURES_REQUIRED pg
                         SKIP_RETURN_CODE 77)
  endif()
endif()

# introspect.py itself: blind to column and catalog order, sees every kind of
# difference it claims to (the property tests rely on it too).
add_test(NAME roundtrip/introspect_sqlite
         COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/roundtrip/test_introspect.py
                 ${CMAKE_CURRENT_BINARY_DIR}/roundtrip/introspect)
if(MG_WITH_POSTGRESQL)
  add_test(NAME roundtrip/introspect_postgresql
           COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/roundtrip/test_introspect.py
                   ${CMAKE_CURRENT_BINARY_DIR}/roundtrip/introspect_pg ${PROJECT_BINARY_DIR}/pg_url.txt)
  set_tests_properties(roundtrip/introspect_postgresql PROPERTIES FIXTURES_REQUIRED pg)
endif()
