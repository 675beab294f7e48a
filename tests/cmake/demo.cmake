# The demo application (models/, generated/): `modelgen check` in the source
# tree, so that CI fails when generated/ is stale (models changed without
# `modelgen diff`, a migration edited, a registry or snapshot out of date).
add_test(NAME demo/check COMMAND modelgen check WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(demo/check PROPERTIES ENVIRONMENT NO_COLOR=1)
