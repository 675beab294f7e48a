/*
 * 0003_backfill.c: migration 3, hand-written (a data migration).
 *
 * Created by `modelgen new`; fill in up() and down(). modelgen never
 * rewrites this file.
 *
 * modelgen-migration: 1
 * number: 3
 * name: 0003_backfill
 * kind: handwritten
 * parent: sha256:6b86202f75cb37ed2446c96b12a5a3033417f9ec7eba13eed2b690f17ca5f6c3
 * result: sha256:6b86202f75cb37ed2446c96b12a5a3033417f9ec7eba13eed2b690f17ca5f6c3
 */

/*
 * Rules for a data migration:
 *
 * - Never include the application's model headers or use its structs:
 *   the models will change, this migration must not. Work with SQL and
 *   read the live shape of a table through the runtime (modelgen/db.h):
 *   mg_db_exec() runs a statement with bound parameters, mg_db_query()
 *   and its row functions iterate over results, mg_db_inspect_table()
 *   describes a table as the database has it.
 * - up() and down() run inside the migration's transaction, with its
 *   bookkeeping row; return 0, or a negative MG_E* code after setting
 *   a message with mg_db_error(). Do not COMMIT or ROLLBACK.
 * - The same code runs on SQLite and PostgreSQL: branch on
 *   mg_db_dialect(db) where the SQL differs.
 * - The schema does not change here (parent and result hash are the
 *   same): change the models and run `modelgen diff` for that.
 */

#include <stddef.h>

/* Add #include <modelgen/db.h> for the runtime data API. */
#include <modelgen/migration.h>

#if MG_MIGRATION_FORMAT != 1
#error "generated for migration format 1: regenerate with this modelgen"
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

extern const struct mg_migration mg_migration_0003;
const struct mg_migration mg_migration_0003 = {
	.number = 3,
	.name = "0003_backfill",
	.parent_hash = "sha256:6b86202f75cb37ed2446c96b12a5a3033417f9ec7eba13eed2b690f17ca5f6c3",
	.result_hash = "sha256:6b86202f75cb37ed2446c96b12a5a3033417f9ec7eba13eed2b690f17ca5f6c3",
	.flags = MG_MIGRATION_HANDWRITTEN,
	.before = &no_tables,
	.after = &no_tables,
	.run_up = up,
	.run_down = down,
};
