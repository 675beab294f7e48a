# Migration format 2: its size targets on the demo history and the demo's
# runtime checksums unchanged since format 1 (tests/format/sizes.sh); the
# runtime's guards on both dialects (unit/test_migrate, which needs the
# PostgreSQL fixture of runtime.cmake for its second half).
add_test(NAME format/sizes
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/format/sizes.sh $<TARGET_FILE:modelgen>
                 ${PROJECT_SOURCE_DIR})
if(MG_WITH_POSTGRESQL AND TARGET test_migrate)
  set_tests_properties(unit/test_migrate PROPERTIES FIXTURES_REQUIRED pg)
endif()
