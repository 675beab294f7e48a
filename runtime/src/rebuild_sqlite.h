/*
 * SQLite table rebuilds (rebuild_sqlite.c), for the SQLite driver's table.
 */
#ifndef MG_REBUILD_SQLITE_H
#define MG_REBUILD_SQLITE_H

#include "db_int.h"

/*
 * mg_driver.rebuild: runs the rebuild `rb` inside the caller's transaction
 * (foreign keys already off): every view and trigger is saved and dropped
 * first (a view or another table's trigger naming the table would make the
 * rename fail) and recreated, in their original order, at the end. Returns
 * 0, MG_E_SQL or MG_E_NOMEM, the message on the handle.
 */
int rebuild_sqlite(struct mg_db *db, const struct mg_rebuild *rb);

/*
 * mg_driver.edit: changes the definitions of tables rbs[0..n) in place (the
 * rebuild steps of a run of consecutive steps with MG_STEP_IN_PLACE) in one
 * schema edit: rewrites their CREATE TABLE text in sqlite_schema, the
 * columns in the order each table stores them, then checks the tables.
 * Rows stored before a column whose default changes was added are written
 * out first (a table with triggers is rebuilt instead). Returns 0,
 * MG_E_DRIFT (live columns not the table's; nothing written), MG_E_SQL or
 * MG_E_NOMEM, with *failed the index of the table it is about.
 */
int edit_sqlite(struct mg_db *db, const struct mg_rebuild *const *rbs, size_t n, size_t *failed);

#endif
