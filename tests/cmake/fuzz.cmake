# libFuzzer targets (MG_FUZZ=ON, clang; the top-level CMakeLists.txt adds
# coverage instrumentation and ASan + UBSan to everything): the snapshot
# loader, the annotation-string parser and the URL parser. One ctest each,
# label "fuzz", runs tests/fuzz/run.sh for MG_FUZZ_SECONDS (default 30) on a
# scratch copy of the seed corpus after replaying every regression case.
if(MG_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MG_FUZZ needs clang (e.g. -DCMAKE_C_COMPILER=clang-14)")
  endif()
  foreach(target snapshot annotation url)
    add_executable(fuzz_${target} ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_${target}.c)
    target_compile_options(fuzz_${target} PRIVATE ${MG_WARNINGS} -fsanitize=fuzzer)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(fuzz_${target} PRIVATE modelgen_gen)
    add_test(NAME fuzz/${target}
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/fuzz/run.sh ${CMAKE_CURRENT_BINARY_DIR} ${target})
    set_tests_properties(fuzz/${target} PROPERTIES LABELS fuzz TIMEOUT 3600)
  endforeach()
endif()
