# The runtime tests again under valgrind (MG_VALGRIND=ON; tools/test.sh turns
# it on): every tests/runtime/*.sh script, called as `SCRIPT DIALECT BINDIR
# [PG_URL_FILE]` like runtime.cmake does, and the runtime's unit tests, with
# each of our programs under memcheck (tests/valgrind/run.sh): zero errors,
# zero definite leaks. Label "valgrind".
option(MG_VALGRIND "Also run the runtime tests under valgrind" OFF)
if(MG_VALGRIND)
  find_program(MG_VALGRIND_EXE valgrind REQUIRED)
  set(_mg_vg ${PROJECT_SOURCE_DIR}/tests/valgrind/run.sh)
  set(_mg_vg_tests)
  file(GLOB _mg_vg_scripts CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/runtime/*.sh)
  foreach(script ${_mg_vg_scripts})
    get_filename_component(_name ${script} NAME_WE)
    add_test(NAME valgrind/runtime/${_name}_sqlite
             COMMAND bash ${_mg_vg} ${CMAKE_CURRENT_BINARY_DIR}
                     sh ${script} sqlite ${CMAKE_CURRENT_BINARY_DIR})
    list(APPEND _mg_vg_tests valgrind/runtime/${_name}_sqlite)
    if(MG_WITH_POSTGRESQL)
      add_test(NAME valgrind/runtime/${_name}_postgresql
               COMMAND bash ${_mg_vg} ${CMAKE_CURRENT_BINARY_DIR}
                       sh ${script} postgresql ${CMAKE_CURRENT_BINARY_DIR} ${MG_PG_URL_FILE})
      set_tests_properties(valgrind/runtime/${_name}_postgresql PROPERTIES
                           FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
      list(APPEND _mg_vg_tests valgrind/runtime/${_name}_postgresql)
    endif()
  endforeach()
  # The runtime's unit tests (the generator's ones run libclang, ~100x
  # slower under valgrind; the ASan pass covers them).
  foreach(t test_url test_util test_sql test_db_sqlite test_db_pg)
    if(TARGET ${t})
      add_test(NAME valgrind/unit/${t}
               COMMAND bash ${_mg_vg} ${CMAKE_CURRENT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/${t})
      list(APPEND _mg_vg_tests valgrind/unit/${t})
      if(t STREQUAL "test_db_pg" AND MG_WITH_POSTGRESQL)
        set_tests_properties(valgrind/unit/${t} PROPERTIES FIXTURES_REQUIRED pg)
      endif()
    endif()
  endforeach()
  set_tests_properties(${_mg_vg_tests} PROPERTIES LABELS valgrind TIMEOUT 1200)
endif()
