/*
 * 0002_backfill.c: migration 2, hand-written (a data migration).
 *
 * Created by `modelgen new`; fill in up() and down(). modelgen never
 * rewrites this file.
 *
 * modelgen-migration: 2 handwritten
 * parent: sha256:3b211e8ef857b6367d3891686828e71e2aaf5d445583e1ad3c205c29ed5c5026
 * result: sha256:3b211e8ef857b6367d3891686828e71e2aaf5d445583e1ad3c205c29ed5c5026
 */

/*
 * Rules for a data migration:
 *
 * - Never include the application's model headers or use its structs:
 *   the models change, this migration must not. Work in SQL, and read
 *   the live shape of a table with mg_db_inspect_table() when it
 *   matters.
 * - up() and down() run inside the migration's transaction, together
 *   with its bookkeeping row: no BEGIN, COMMIT or ROLLBACK here. Return
 *   0, the code of the call that failed, or
 *   mg_db_error(db, MG_E_STEP, "what went wrong").
 * - The same code runs on SQLite and PostgreSQL: parameters are $1, $2,
 *   ... on both; branch on mg_db_dialect(db) where the SQL differs.
 * - The schema does not change here (parent and result hash are the
 *   same): change the models and run `modelgen diff` for that.
 *
 * The runtime's data API (modelgen/db.h), for example:
 *
 *   const char *params[] = {"guest"};
 *   unsigned long long changed;
 *   int rc = mg_db_execp(db, "UPDATE users SET username = $1 "
 *                        "WHERE username = ''", 1, params, &changed);
 *
 *   struct mg_rows *rows;
 *   rc = mg_db_query(&rows, db, "SELECT id, email FROM users", 0, NULL);
 *   while (rc == 0 && (rc = mg_rows_next(rows)) == 1)
 *           use(mg_rows_text(rows, 0), mg_rows_text(rows, 1));
 *   mg_rows_free(rows);
 *
 *   struct mg_schema *live;
 *   rc = mg_db_inspect_table(&live, db, "users");
 *   ... live->tables[0].columns ...
 *   mg_schema_free(live);
 */

#include <stddef.h>

#include <modelgen/db.h>
#include <modelgen/migration.h>

#if MG_MIGRATION_FORMAT < 2 || MG_MIGRATION_FORMAT_MIN > 2
#error "migration format 2: needs the modelgen that reads it (update modelgen, or regenerate)"
#endif

static int up(struct mg_db *db)
{
	(void)db;
	return 0;
}

static int down(struct mg_db *db)
{
	(void)db;
	return 0;
}

static const struct mg_schema no_tables = {.n_tables = 0};

extern const struct mg_migration mg_migration_0002;
const struct mg_migration mg_migration_0002 = {
	.number = 2,
	.name = "0002_backfill",
	.parent_hash = "sha256:3b211e8ef857b6367d3891686828e71e2aaf5d445583e1ad3c205c29ed5c5026",
	.result_hash = "sha256:3b211e8ef857b6367d3891686828e71e2aaf5d445583e1ad3c205c29ed5c5026",
	.flags = MG_MIGRATION_HANDWRITTEN,
	.before = &no_tables,
	.after = &no_tables,
	.run_up = up,
	.run_down = down,
};
