#!/usr/bin/env python3
"""Rebuilds the demo's migration history (generated/) the way a developer
made it: start from an early version of models/, make one change at a time,
run `modelgen diff -m ...` after each (one `modelgen new` for the hand-written
backfill), and end at the committed models/.

    python3 tools/demo_history.py MODELGEN      e.g. build/h5/gen/modelgen

The early models are the committed ones with every step below undone, so the
steps are written once and the history always ends exactly at models/.
Works in a scratch folder; on success replaces generated/ and prints the
migration list. Run it only when the history must be rewritten (the
generator's output format changed before a release): a real project never
rewrites migrations that were applied somewhere.
"""

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each step: (diff arguments, [(file, text before, text after), ...]).
# "new" instead of diff arguments makes a hand-written migration.
STEPS = [
    # 0002: a table rename; the key from comments follows it.
    (["-m", "rename posts to media entries"], [
        ("media.h", 'struct MG_TABLE("posts") media_entry {',
         'struct MG_TABLE("media_entries") MG_RENAMED_FROM("posts") media_entry {'),
        ("comment.h", 'int64_t entry_id MG_REFERENCES("posts", "id")',
         'int64_t entry_id MG_REFERENCES("media_entries", "id")'),
    ]),
    # 0003: a column rename.
    (["-m", "rename full name to display name"], [
        ("user.h", "char full_name[129] MG_NULLABLE;",
         'char display_name[129] MG_NULLABLE MG_RENAMED_FROM("full_name");'),
    ]),
    # 0004: two new tables, the join table with a composite primary key.
    (["-m", "tags"], [
        ("tag.h", "#include <modelgen/model.h>\n\n#endif\n",
         "#include <modelgen/model.h>\n\n"
         "/** A keyword that groups media entries. */\n"
         'struct MG_TABLE("tags") tag {\n'
         "\tint32_t id MG_PRIMARY_KEY; /**< Generated tag number. */\n"
         "\t/** The keyword as shown, unique. */\n"
         "\tchar name[49] MG_UNIQUE;\n"
         "\t/** Colour of the tag chip, as 0xRRGGBB. */\n"
         '\tint32_t colour MG_DEFAULT("16777215");\n'
         "};\n\n"
         "/** Which tags are on which media entries. */\n"
         'struct MG_TABLE("media_entry_tags") MG_PRIMARY_KEY_ON("entry_id, tag_id") '
         "media_entry_tag {\n"
         "\t/** The tagged entry. */\n"
         '\tint64_t entry_id MG_REFERENCES("media_entries", "id") MG_ON_DELETE("cascade");\n'
         "\t/** The tag. */\n"
         '\tint32_t tag_id MG_REFERENCES("tags", "id") MG_ON_DELETE("cascade") MG_INDEX;\n'
         "\t/** Who added the tag. */\n"
         '\tint64_t added_by MG_NULLABLE MG_REFERENCES("users", "id") '
         'MG_ON_DELETE("set null");\n'
         "};\n\n#endif\n"),
    ]),
    # 0005: a new column with a foreign key; a nullable blob.
    (["-m", "avatars and thumbnails"], [
        ("user.h", "\ttime_t created_at;\n",
         "\ttime_t created_at;\n"
         "\t/** Profile picture, a stored file; cleared when the file goes. */\n"
         '\tint64_t avatar_id MG_NULLABLE MG_REFERENCES("media_files", "id") '
         'MG_ON_DELETE("set null");\n'),
        ("media.h", "\tint32_t height MG_NULLABLE;\n",
         "\tint32_t height MG_NULLABLE;\n"
         "\t/** Small preview image, kept inline. */\n"
         "\tstruct mg_blob thumbnail MG_NULLABLE;\n"),
    ]),
    # 0006: a composite unique; an index dropped.
    (["-m", "media files unique by content"], [
        ("media.h", 'struct MG_TABLE("media_files") media_file {',
         'struct MG_TABLE("media_files") MG_UNIQUE_ON("sha256, byte_size") media_file {'),
        ("media.h", "\tchar mime_type[65] MG_INDEX; /**< MIME type, e.g. \"image/jpeg\". */\n",
         "\tchar mime_type[65];        /**< MIME type, e.g. \"image/jpeg\". */\n"),
    ]),
    # 0007: nullable -> NOT NULL with a default (existing NULLs filled);
    # new columns, one with MG_TYPE.
    (["-m", "entry prices, durations and views"], [
        ("media.h", '\tbool hidden MG_NULLABLE MG_DEFAULT("false");\n',
         '\tbool hidden MG_DEFAULT("false");\n'),
        ("media.h", "\tenum media_kind kind MG_INDEX; /**< Photo, video or audio. */\n",
         "\tenum media_kind kind MG_INDEX; /**< Photo, video or audio. */\n"
         "\t/** Price for prints, exact to the cent. */\n"
         '\tdouble print_price MG_TYPE("numeric(10,2)") MG_NULLABLE;\n'
         "\t/** Duration in milliseconds, for video and audio. */\n"
         '\tint32_t duration_ms MG_DEFAULT("0");\n'),
        ("media.h", "\ttime_t created_at MG_INDEX;\n",
         "\ttime_t created_at MG_INDEX;\n"
         "\t/** Number of views, updated in batches. */\n"
         '\tint64_t view_count MG_DEFAULT("0");\n'),
    ]),
    # 0008: a type change (integer -> bigint): a rewrite on PostgreSQL,
    # acknowledged with --allow-blocking.
    (["-m", "durations as unsigned", "--allow-blocking"], [
        ("media.h", '\tint32_t duration_ms MG_DEFAULT("0");\n',
         '\tuint32_t duration_ms MG_DEFAULT("0");\n'),
    ]),
    # 0009: a default change; a new NOT NULL column with a default.
    (["-m", "tag usage counts"], [
        ("tag.h", '\tint32_t colour MG_DEFAULT("16777215");\n',
         '\tint32_t colour MG_DEFAULT("0");\n'
         "\t/** Number of entries tagged, maintained by the application. */\n"
         '\tint64_t usage_count MG_DEFAULT("0");\n'),
    ]),
    # 0010: the hand-written backfill of the counts added by 0009.
    ("new", "backfill tag usage counts"),
    # 0011: a foreign key dropped (the column stays for now).
    (["-m", "detach entries from albums"], [
        ("media.h", '\tint64_t album_id MG_NULLABLE MG_REFERENCES("albums", "id") '
         'MG_ON_DELETE("set null");\n',
         "\tint64_t album_id MG_NULLABLE;\n"),
    ]),
    # 0012: a table and a column dropped.
    (["-m", "drop albums", "--allow-drop"], [
        ("media.h", "\tchar *description MG_NULLABLE;\n"
         "\t/** Album the entry is in, if any. */\n\tint64_t album_id MG_NULLABLE;\n",
         "\tchar *description MG_NULLABLE;\n"),
        ("media.h",
         "/** A named collection of a user's entries. */\n"
         'struct MG_TABLE("albums") album {\n'
         "\tint64_t id MG_PRIMARY_KEY; /**< Generated album number. */\n"
         "\t/** Owner; albums go with the account. */\n"
         '\tint64_t owner_id MG_REFERENCES("users", "id") MG_ON_DELETE("cascade");\n'
         "\t/** Title shown above the album. */\n"
         "\tchar title[201];\n"
         "};\n\n"
         "/** Something a user shared: a photo, a video or a recording. */\n",
         "/** Something a user shared: a photo, a video or a recording. */\n"),
    ]),
    # 0013: a self-referencing key; composite indexes; a new double column.
    (["-m", "comment threads and user scores"], [
        ("comment.h", "\t/// The text, up to 2000 characters.\n",
         "\t/// The comment it answers, if any.\n"
         '\tint64_t parent_id MG_NULLABLE MG_REFERENCES("comments", "id");\n'
         "\t/// The text, up to 2000 characters.\n"),
        ("comment.h", 'struct MG_TABLE("comments") comment {',
         'struct MG_TABLE("comments") MG_INDEX_ON("entry_id, created_at") comment {'),
        ("user.h", 'struct MG_TABLE("users") user {',
         'struct MG_TABLE("users") MG_INDEX_ON("email, created_at") user {'),
        ("user.h", "\t/** Session cache of the running program; never stored. */\n",
         "\t/** Average rating of the user's uploads. */\n"
         '\tdouble score MG_DEFAULT("0");\n'
         "\t/** Session cache of the running program; never stored. */\n"),
    ]),
]

BACKFILL_UP = r"""/*
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
"""

TEMPLATE_UP_DOWN = """static int up(struct mg_db *db)
{
	(void)db;
	return 0;
}

static int down(struct mg_db *db)
{
	(void)db;
	return 0;
}
"""


def die(msg):
    sys.stderr.write("demo_history: %s\n" % msg)
    sys.exit(3)


def edit(models, name, old, new):
    path = os.path.join(models, name)
    with open(path) as f:
        text = f.read()
    if text.count(old) != 1:
        die("%s: expected exactly one %r" % (name, old))
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def run(modelgen, cwd, args):
    proc = subprocess.run([modelgen] + args, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=dict(os.environ, NO_COLOR="1"))
    sys.stdout.write(proc.stdout.decode())
    if proc.returncode != 0:
        die("modelgen %s: exit %d" % (" ".join(args), proc.returncode))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: tools/demo_history.py MODELGEN\n")
        return 2
    modelgen = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="demo_history.")
    try:
        models = os.path.join(work, "models")
        shutil.copytree(os.path.join(ROOT, "models"), models)
        # Undo every step, newest first, to get the early models.
        for step in reversed(STEPS):
            if step[0] == "new":
                continue
            for name, old, new in reversed(step[1]):
                edit(models, name, new, old)
        run(modelgen, work, ["diff", "-m", "init"])
        for step in STEPS:
            if step[0] == "new":
                run(modelgen, work, ["new", "-m", step[1]])
                mig = os.path.join(work, "generated", "migrations")
                newest = sorted(os.listdir(mig))[-1]
                edit(mig, newest, TEMPLATE_UP_DOWN, BACKFILL_UP)
                continue
            for name, old, new in step[1]:
                edit(models, name, old, new)
            run(modelgen, work, ["diff"] + step[0])
        for name in sorted(os.listdir(models)):
            with open(os.path.join(models, name)) as a, \
                    open(os.path.join(ROOT, "models", name)) as b:
                if a.read() != b.read():
                    die("models/%s: the history does not end at the committed models" % name)
        run(modelgen, work, ["check"])
        dest = os.path.join(ROOT, "generated")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(os.path.join(work, "generated"), dest)
        print("\n".join(sorted(os.listdir(os.path.join(dest, "migrations")))))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
