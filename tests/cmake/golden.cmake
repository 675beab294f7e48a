# Golden cases of the generator: one ctest per tests/golden/<case>/ (see
# tests/golden/run.sh for the layout; _histories/ holds the starting
# histories they share, made by make_generator_cases.py).
file(GLOB MG_GOLDEN_CASES LIST_DIRECTORIES true CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/golden/*)
foreach(dir ${MG_GOLDEN_CASES})
  get_filename_component(name ${dir} NAME)
  if(IS_DIRECTORY ${dir} AND NOT name MATCHES "^_")
    add_test(NAME golden/${name}
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/golden/run.sh $<TARGET_FILE:modelgen> ${dir})
  endif()
endforeach()
