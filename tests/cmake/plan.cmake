# The planner's unit test also runs its migrations on the throw-away
# PostgreSQL server of the "pg" fixture (tests/cmake/runtime.cmake). It
# talks to that server through libpq itself (the runtime only loads libpq at
# run time, so its headers and library come from here).
if(MG_WITH_POSTGRESQL AND TEST unit/test_plan)
  target_link_libraries(test_plan PRIVATE PkgConfig::LIBPQ)
  set_tests_properties(unit/test_plan PROPERTIES FIXTURES_REQUIRED pg)
endif()
