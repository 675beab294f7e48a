/*
 * 0010_backfill_tag_usage_counts.c: migration 10, hand-written (a data migration).
 *
 * Created by `modelgen new`; fill in up() and down(). modelgen never
 * rewrites this file.
 *
 * modelgen-migration: 2 handwritten
 * parent: sha256:ab4145ea7f218f4b420df966f0178334d864d1c490a4ab9db3f3c12b1fa8de1f
 * result: sha256:ab4145ea7f218f4b420df966f0178334d864d1c490a4ab9db3f3c12b1fa8de1f
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

/*
 * Counts the entries that carry each tag. Migration 9 added usage_count
 * as 0 everywhere; from here on the application maintains it.
 */
static int up(struct mg_db *db)
{
	struct mg_schema *live = NULL;
	unsigned long long changed = 0;
	int rc;

	/* The live table, not the models: this file must work on the schema
	 * of its own point in the history. */
	rc = mg_db_inspect_table(&live, db, "tags");
	if (rc != 0)
		return rc;
	if (!mg_table_find_column(&live->tables[0], "usage_count")) {
		mg_schema_free(live);
		return mg_db_error(db, MG_E_STEP, "tags has no usage_count column");
	}
	mg_schema_free(live);
	return mg_db_execp(db,
			   "UPDATE tags SET usage_count = (SELECT count(*) FROM media_entry_tags"
			   " WHERE media_entry_tags.tag_id = tags.id)",
			   0, NULL, &changed);
}

/* Back to the state migration 9 left: every count 0. */
static int down(struct mg_db *db)
{
	const char *params[] = {"0"};

	return mg_db_execp(db, "UPDATE tags SET usage_count = CAST($1 AS INTEGER)", 1, params,
			   NULL);
}

static const struct mg_schema no_tables = {.n_tables = 0};

extern const struct mg_migration mg_migration_0010;
const struct mg_migration mg_migration_0010 = {
	.number = 10,
	.name = "0010_backfill_tag_usage_counts",
	.parent_hash = "sha256:ab4145ea7f218f4b420df966f0178334d864d1c490a4ab9db3f3c12b1fa8de1f",
	.result_hash = "sha256:ab4145ea7f218f4b420df966f0178334d864d1c490a4ab9db3f3c12b1fa8de1f",
	.flags = MG_MIGRATION_HANDWRITTEN,
	.before = &no_tables,
	.after = &no_tables,
	.run_up = up,
	.run_down = down,
};
