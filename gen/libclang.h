/*
 * libclang, loaded on first use instead of linked: loading it (and LLVM
 * behind it) costs tens of milliseconds at every start, which commands that
 * never parse a header (`modelgen pull`, `sql`, `--help`) should not pay.
 * parse.c includes this after <clang-c/Index.h>; every clang_* function it
 * calls goes through the table below, typed from the real declarations.
 */
#ifndef MG_GEN_LIBCLANG_H
#define MG_GEN_LIBCLANG_H

#include <stddef.h>

#include <clang-c/Index.h>

/* Every libclang function the generator calls. A function missing here is
 * a link error, since modelgen does not link libclang. */
#define MG_CLANG_FUNCTIONS(X)                                                                      \
	X(clang_Cursor_getRawCommentText)                                                          \
	X(clang_Cursor_isBitField)                                                                 \
	X(clang_Cursor_isNull)                                                                     \
	X(clang_File_isEqual)                                                                      \
	X(clang_Type_getNamedType)                                                                 \
	X(clang_Type_getSizeOf)                                                                    \
	X(clang_createIndex)                                                                       \
	X(clang_disposeDiagnostic)                                                                 \
	X(clang_disposeIndex)                                                                      \
	X(clang_disposeString)                                                                     \
	X(clang_disposeTokens)                                                                     \
	X(clang_disposeTranslationUnit)                                                            \
	X(clang_getArrayElementType)                                                               \
	X(clang_getArraySize)                                                                      \
	X(clang_getCString)                                                                        \
	X(clang_getCanonicalType)                                                                  \
	X(clang_getChildDiagnostics)                                                               \
	X(clang_getCursorDefinition)                                                               \
	X(clang_getCursorExtent)                                                                   \
	X(clang_getCursorKind)                                                                     \
	X(clang_getCursorLocation)                                                                 \
	X(clang_getCursorSpelling)                                                                 \
	X(clang_getCursorType)                                                                     \
	X(clang_getDiagnostic)                                                                     \
	X(clang_getDiagnosticInSet)                                                                \
	X(clang_getDiagnosticLocation)                                                             \
	X(clang_getDiagnosticSeverity)                                                             \
	X(clang_getDiagnosticSpelling)                                                             \
	X(clang_getExpansionLocation)                                                              \
	X(clang_getFile)                                                                           \
	X(clang_getFileContents)                                                                   \
	X(clang_getFileName)                                                                       \
	X(clang_getLocation)                                                                       \
	X(clang_getNumDiagnostics)                                                                 \
	X(clang_getNumDiagnosticsInSet)                                                            \
	X(clang_getPointeeType)                                                                    \
	X(clang_getRangeEnd)                                                                       \
	X(clang_getRangeStart)                                                                     \
	X(clang_getToken)                                                                          \
	X(clang_getTokenSpelling)                                                                  \
	X(clang_getTranslationUnitCursor)                                                          \
	X(clang_getTypeDeclaration)                                                                \
	X(clang_getTypeSpelling)                                                                   \
	X(clang_getTypedefDeclUnderlyingType)                                                      \
	X(clang_getTypedefName)                                                                    \
	X(clang_isCursorDefinition)                                                                \
	X(clang_parseTranslationUnit2)                                                             \
	X(clang_visitChildren)

struct mg_clang_api {
#define MG_CLANG_MEMBER(f) __typeof__(f) *f;
	MG_CLANG_FUNCTIONS(MG_CLANG_MEMBER)
#undef MG_CLANG_MEMBER
};

extern struct mg_clang_api mg_clang;

/*
 * Loads libclang once per process: $MODELGEN_LIBCLANG when set, else the
 * library the build found (by soname, then by path). Returns 0, or -1 with a
 * one-line reason in `err` (errlen bytes).
 */
int libclang_load(char *err, size_t errlen);

#ifndef MG_LIBCLANG_NO_MACROS
#define clang_Cursor_getRawCommentText     (mg_clang.clang_Cursor_getRawCommentText)
#define clang_Cursor_isBitField            (mg_clang.clang_Cursor_isBitField)
#define clang_Cursor_isNull                (mg_clang.clang_Cursor_isNull)
#define clang_File_isEqual                 (mg_clang.clang_File_isEqual)
#define clang_Type_getNamedType            (mg_clang.clang_Type_getNamedType)
#define clang_Type_getSizeOf               (mg_clang.clang_Type_getSizeOf)
#define clang_createIndex                  (mg_clang.clang_createIndex)
#define clang_disposeDiagnostic            (mg_clang.clang_disposeDiagnostic)
#define clang_disposeIndex                 (mg_clang.clang_disposeIndex)
#define clang_disposeString                (mg_clang.clang_disposeString)
#define clang_disposeTokens                (mg_clang.clang_disposeTokens)
#define clang_disposeTranslationUnit       (mg_clang.clang_disposeTranslationUnit)
#define clang_getArrayElementType          (mg_clang.clang_getArrayElementType)
#define clang_getArraySize                 (mg_clang.clang_getArraySize)
#define clang_getCString                   (mg_clang.clang_getCString)
#define clang_getCanonicalType             (mg_clang.clang_getCanonicalType)
#define clang_getChildDiagnostics          (mg_clang.clang_getChildDiagnostics)
#define clang_getCursorDefinition          (mg_clang.clang_getCursorDefinition)
#define clang_getCursorExtent              (mg_clang.clang_getCursorExtent)
#define clang_getCursorKind                (mg_clang.clang_getCursorKind)
#define clang_getCursorLocation            (mg_clang.clang_getCursorLocation)
#define clang_getCursorSpelling            (mg_clang.clang_getCursorSpelling)
#define clang_getCursorType                (mg_clang.clang_getCursorType)
#define clang_getDiagnostic                (mg_clang.clang_getDiagnostic)
#define clang_getDiagnosticInSet           (mg_clang.clang_getDiagnosticInSet)
#define clang_getDiagnosticLocation        (mg_clang.clang_getDiagnosticLocation)
#define clang_getDiagnosticSeverity        (mg_clang.clang_getDiagnosticSeverity)
#define clang_getDiagnosticSpelling        (mg_clang.clang_getDiagnosticSpelling)
#define clang_getExpansionLocation         (mg_clang.clang_getExpansionLocation)
#define clang_getFile                      (mg_clang.clang_getFile)
#define clang_getFileContents              (mg_clang.clang_getFileContents)
#define clang_getFileName                  (mg_clang.clang_getFileName)
#define clang_getLocation                  (mg_clang.clang_getLocation)
#define clang_getNumDiagnostics            (mg_clang.clang_getNumDiagnostics)
#define clang_getNumDiagnosticsInSet       (mg_clang.clang_getNumDiagnosticsInSet)
#define clang_getPointeeType               (mg_clang.clang_getPointeeType)
#define clang_getRangeEnd                  (mg_clang.clang_getRangeEnd)
#define clang_getRangeStart                (mg_clang.clang_getRangeStart)
#define clang_getToken                     (mg_clang.clang_getToken)
#define clang_getTokenSpelling             (mg_clang.clang_getTokenSpelling)
#define clang_getTranslationUnitCursor     (mg_clang.clang_getTranslationUnitCursor)
#define clang_getTypeDeclaration           (mg_clang.clang_getTypeDeclaration)
#define clang_getTypeSpelling              (mg_clang.clang_getTypeSpelling)
#define clang_getTypedefDeclUnderlyingType (mg_clang.clang_getTypedefDeclUnderlyingType)
#define clang_getTypedefName               (mg_clang.clang_getTypedefName)
#define clang_isCursorDefinition           (mg_clang.clang_isCursorDefinition)
#define clang_parseTranslationUnit2        (mg_clang.clang_parseTranslationUnit2)
#define clang_visitChildren                (mg_clang.clang_visitChildren)
#endif

#endif
