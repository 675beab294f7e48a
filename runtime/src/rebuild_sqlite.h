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
 * mg_driver.edit: changes table rb->table's definition in place (a rebuild
 * step with MG_STEP_IN_PLACE): rewrites its CREATE TABLE text in
 * sqlite_schema, the columns in the order the table stores them, then
 * checks the table. Returns 0, MG_E_DRIFT (the live columns are not the
 * table's; nothing written), MG_E_SQL or MG_E_NOMEM.
 */
int edit_sqlite(struct mg_db *db, const struct mg_rebuild *rb);

#endif
