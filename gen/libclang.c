/*
 * Loading libclang with dlopen (see libclang.h): the function table, filled
 * once, and the reason when the library cannot be loaded.
 */
#define MG_LIBCLANG_NO_MACROS
#include "libclang.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MG_LIBCLANG_SONAME
#define MG_LIBCLANG_SONAME ""
#endif
#ifndef MG_LIBCLANG_PATH
#define MG_LIBCLANG_PATH ""
#endif

struct mg_clang_api mg_clang;

static int loaded;           /* 1 loaded, -1 failed */
static char load_error[512]; /* why, when it failed */

static void *open_library(void)
{
	const char *env = getenv("MODELGEN_LIBCLANG");
	const char *tried[3] = {NULL, NULL, NULL};
	size_t n = 0, i;
	void *h = NULL;

	if (env && *env)
		tried[n++] = env;
	else {
		if (MG_LIBCLANG_SONAME[0])
			tried[n++] = MG_LIBCLANG_SONAME;
		if (MG_LIBCLANG_PATH[0])
			tried[n++] = MG_LIBCLANG_PATH;
	}
	for (i = 0; i < n && !h; i++)
		h = dlopen(tried[i], RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();

		snprintf(load_error, sizeof(load_error),
			 "the C parser needs libclang, which cannot be loaded (%s); install it "
			 "(Debian: libclang1-14) or name the file in $MODELGEN_LIBCLANG",
			 why ? why
			 : n ? tried[0]
			     : "no library configured");
	}
	return h;
}

int libclang_load(char *err, size_t errlen)
{
	const char *missing = NULL;
	void *h, *sym;

	if (loaded == 0) {
		loaded = -1;
		h = open_library();
		if (h) {
			/* ISO C cannot convert a void * into a function pointer;
			 * POSIX guarantees that dlsym's result survives the copy. */
#define MG_CLANG_LOOKUP(f)                                                                         \
	if (!missing) {                                                                            \
		sym = dlsym(h, #f);                                                                \
		if (sym)                                                                           \
			memcpy(&mg_clang.f, &sym, sizeof(sym));                                    \
		else                                                                               \
			missing = #f;                                                              \
	}
			MG_CLANG_FUNCTIONS(MG_CLANG_LOOKUP)
#undef MG_CLANG_LOOKUP
			if (missing) {
				snprintf(load_error, sizeof(load_error),
					 "the C parser needs libclang, "
					 "but the library loaded has no function %s",
					 missing);
				memset(&mg_clang, 0, sizeof(mg_clang));
				dlclose(h);
			} else {
				/* Loaded for the rest of the process: translation units
				 * and strings may outlive any one parse. */
				loaded = 1;
			}
		}
	}
	if (loaded == 1)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", load_error);
	return -1;
}
