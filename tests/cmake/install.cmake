# Install into a scratch prefix and build an outside project against it.
add_test(NAME install/outside_project
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/install/run.sh ${PROJECT_BINARY_DIR})
set_tests_properties(install/outside_project PROPERTIES TIMEOUT 300)
