# Property-based evolution (tests/property/evolve.py): random valid model
# histories through the real modelgen and a dbupdate built per step, on
# SQLite and on the PostgreSQL server of the ctest fixture "pg". One ctest
# runs the bounded CI set (MG_PROPERTY_HISTORIES histories); with
# MG_SOAK_SECONDS set in its environment it runs seeds until that time is up
# instead (configure with -DMG_PROPERTY_TIMEOUT=SECONDS above it, or run
# evolve.py directly: see its header). Every regression case
# tests/regression/<name>/history.json is replayed by its own ctest
# (evolve.py --replay), on both dialects.
find_program(MG_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(MG_PYTHON3 NAMES python3)
set(MG_PROPERTY_HISTORIES 100 CACHE STRING "Histories the property ctest runs")
set(MG_PROPERTY_START 1 CACHE STRING "First seed of the property ctest")
set(MG_PROPERTY_STEPS "2-5" CACHE STRING "Steps per history, MIN-MAX")
# The timeout guards against a hang, it is not a speed limit: the 100
# histories take 3-4 minutes on an idle 2-core machine, twice that when
# other work shares it.
set(MG_PROPERTY_TIMEOUT 900 CACHE STRING "Timeout of the property ctest, seconds")

# runtime.cmake, included after this file, sets the same path.
if(NOT MG_PG_URL_FILE)
  set(MG_PG_URL_FILE ${PROJECT_BINARY_DIR}/pg_url.txt)
endif()

if(MG_PYTHON3)
  set(_mg_evolve ${MG_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/property/evolve.py
      --modelgen $<TARGET_FILE:modelgen> --runtime-lib $<TARGET_FILE:modelgen_runtime>
      --include ${PROJECT_SOURCE_DIR}/runtime/include --cc ${CMAKE_C_COMPILER}
      --work-dir ${CMAKE_CURRENT_BINARY_DIR})
  # A sanitized runtime library needs the sanitizer runtime at link time.
  set(_mg_evolve_san "")
  if(MG_SANITIZE)
    set(_mg_evolve_san " -fsanitize=${MG_SANITIZE}")
  endif()
  if(MG_WITH_POSTGRESQL)
    list(APPEND _mg_evolve --pg-url-file ${MG_PG_URL_FILE})
    if(MG_SANITIZE)
      list(APPEND _mg_evolve "--libs=-lsqlite3 -lpq -lm${_mg_evolve_san}")
    endif()
  else()
    list(APPEND _mg_evolve --dialects sqlite "--libs=-lsqlite3 -lm${_mg_evolve_san}")
  endif()

  add_test(NAME property/evolve
           COMMAND ${_mg_evolve} --start ${MG_PROPERTY_START} --count ${MG_PROPERTY_HISTORIES}
                   --steps ${MG_PROPERTY_STEPS} --jobs 2)
  set_tests_properties(property/evolve PROPERTIES TIMEOUT ${MG_PROPERTY_TIMEOUT} PROCESSORS 2)

  file(GLOB _mg_regressions CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/tests/regression/*/history.json)
  foreach(_h ${_mg_regressions})
    get_filename_component(_dir ${_h} DIRECTORY)
    get_filename_component(_name ${_dir} NAME)
    add_test(NAME regression/${_name} COMMAND ${_mg_evolve} --replay ${_h})
    set_tests_properties(regression/${_name} PROPERTIES TIMEOUT 120)
    # A case whose bug is not fixed yet says so with a "known_bug" key: it
    # passes while the replay fails, and fails once the bug is gone (then
    # remove the key).
    file(READ ${_h} _text)
    string(FIND "${_text}" "\"known_bug\"" _known)
    if(_known GREATER -1)
      set_tests_properties(regression/${_name} PROPERTIES WILL_FAIL TRUE)
    endif()
    if(MG_WITH_POSTGRESQL)
      set_tests_properties(regression/${_name} PROPERTIES FIXTURES_REQUIRED pg)
    endif()
  endforeach()
  if(MG_WITH_POSTGRESQL)
    set_tests_properties(property/evolve PROPERTIES FIXTURES_REQUIRED pg)
  endif()
endif()
