# The demo models are plain C11: each header, and all of them in one
# translation unit, must compile warning-free under gcc and clang, with and
# without MODELGEN (the annotations on and off). Four ctests.
find_program(MG_GCC NAMES gcc)
find_program(MG_CLANG14 NAMES clang-14 clang)
set(_mg_models_check [=[
set -e
cc=$1; shift
cd "$MG_SOURCE_DIR"
flags="-std=c11 -Wall -Wextra -Werror -Wpedantic -fsyntax-only -I runtime/include $*"
for h in models/*.h; do
	echo "$cc $flags $h"
	"$cc" $flags "$h"
done
all=$(for h in models/*.h; do printf '#include "%s"\n' "$h"; done)
echo "$cc $flags (all models in one translation unit)"
printf '%s\n' "$all" | "$cc" $flags -x c -
]=])
foreach(_mg_cc gcc clang)
  if(_mg_cc STREQUAL "gcc")
    set(_mg_exe ${MG_GCC})
  else()
    set(_mg_exe ${MG_CLANG14})
  endif()
  if(NOT _mg_exe)
    continue()
  endif()
  add_test(NAME models/compile_${_mg_cc}
           COMMAND bash -c "${_mg_models_check}" check ${_mg_exe})
  add_test(NAME models/compile_${_mg_cc}_modelgen
           COMMAND bash -c "${_mg_models_check}" check ${_mg_exe} -DMODELGEN)
  set_tests_properties(models/compile_${_mg_cc} models/compile_${_mg_cc}_modelgen
                       PROPERTIES ENVIRONMENT "MG_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()

# The demo models parse cleanly: `modelgen snapshot` on models/ succeeds.
add_test(NAME models/snapshot
         COMMAND $<TARGET_FILE:modelgen> -M models snapshot
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
