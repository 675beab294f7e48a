# The planner's unit test also runs its migrations on the throw-away
# PostgreSQL server of the "pg" fixture (tests/cmake/runtime.cmake).
if(MG_WITH_POSTGRESQL AND TEST unit/test_plan)
  set_tests_properties(unit/test_plan PROPERTIES FIXTURES_REQUIRED pg)
endif()
