#!/usr/bin/env python3
"""Builds the inputs of the generator's golden cases that start from a
history (diff_, check_, new_, sql_, amend_ and a few others) in
tests/golden: the shared starting histories in _histories/NAME/ (each a
generated/ folder made by running modelgen step by step, the way it
happens), and per case its models/, args, `history` (the name of the one it
starts from) and `setup` (a bash script that bends that state: two branches
merged, a migration deleted or edited, ...).

usage: make_generator_cases.py MODELGEN
then:  for c in */; do bash run.sh MODELGEN $c --update; done
and review the expected/ changes before committing. Rerun both after any
change to the emitter's layout: `modelgen` requires every generated file to
be exactly what it writes."""
import os, shutil, subprocess, sys, tempfile

MG = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.abspath(__file__))
base_user = '''#include <stdbool.h>
#include <stdint.h>

#include <modelgen/model.h>

/** A registered account. */
struct MG_TABLE("users") user {
	int64_t id MG_PRIMARY_KEY;
	char username[65] MG_UNIQUE;
	char *email MG_NULLABLE MG_INDEX;
	bool is_admin MG_DEFAULT("false");
	double rating;
};
'''
base_media = '''#include <stdint.h>

#include <modelgen/model.h>

/** An uploaded file. */
struct MG_TABLE("media_files") media_file {
	int64_t id MG_PRIMARY_KEY;
	int64_t owner_id MG_NULLABLE MG_REFERENCES("users", "id") MG_ON_DELETE("set null");
	char *path;
};
'''

def models(user=None, media=None, extra=None):
    m = {'user.h': base_user if user is None else user}
    if media is not False:
        m['media.h'] = base_media if media is None else media
    if extra:
        m.update(extra)
    return m

def user_sub(old, new, src=None):
    src = src or base_user
    assert old in src, old
    return src.replace(old, new)

def media_sub(old, new):
    assert old in base_media, old
    return base_media.replace(old, new)

def write_models(d, m):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for k, v in m.items():
        os.makedirs(os.path.dirname(os.path.join(d, k)), exist_ok=True)
        open(os.path.join(d, k), 'w').write(v)

def run(work, *args):
    r = subprocess.run([MG, *args], cwd=work, capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR='1', ASAN_OPTIONS='detect_leaks=0'))
    if r.returncode != 0:
        print('step failed:', args, r.stdout, r.stderr, file=sys.stderr)
        sys.exit(1)

HISTORIES = os.path.join(ROOT, '_histories')

def history(name, steps):
    """Runs each (models, args) step in one work dir and keeps its
    generated/ as the shared history NAME; returns NAME."""
    work = tempfile.mkdtemp(prefix='mgcase.')
    for m, args in steps:
        write_models(work + '/models', m)
        run(work, *args)
    dest = os.path.join(HISTORIES, name)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(work + '/generated', dest)
    shutil.rmtree(work)
    return name

def case(name, final_models, args, hist=None, setup=None):
    d = os.path.join(ROOT, name)
    for sub in ('models', 'generated', 'history', 'setup'):
        p = os.path.join(d, sub)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
    os.makedirs(d, exist_ok=True)
    if hist:
        open(d + '/history', 'w').write(hist + '\n')
    if setup:
        open(d + '/setup', 'w').write(setup.strip('\n') + '\n')
    write_models(d + '/models', final_models)
    open(d + '/args', 'w').write('\n'.join(args) + '\n')

INIT = [(models(), ['diff'])]
shutil.rmtree(HISTORIES, ignore_errors=True)
INIT_H = history('init', INIT)

add_created = user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t created_at MG_DEFAULT("0");\n')
add_created_nodefault = user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t created_at;\n')
rename_rating = user_sub('\tdouble rating;\n', '\tdouble score MG_RENAMED_FROM("rating");\n')
drop_rating_add_score = user_sub('\tdouble rating;\n', '\tdouble score;\n')
drop_rating = user_sub('\tdouble rating;\n', '')
float_rating = user_sub('\tdouble rating;\n', '\tfloat rating;\n')
email_notnull = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_INDEX MG_DEFAULT("\'\'");\n')
email_nullable_default = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_NULLABLE MG_INDEX MG_DEFAULT("\'\'");\n')
email_notnull_nodefault = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_INDEX;\n')
index_rating = user_sub('\tdouble rating;\n', '\tdouble rating MG_INDEX;\n')
unique_pair = user_sub('struct MG_TABLE("users") user {', 'struct MG_TABLE("users") MG_UNIQUE_ON("email, rating") user {')
drop_unique = user_sub('\tchar username[65] MG_UNIQUE;\n', '\tchar username[65];\n')
cascade = media_sub('MG_ON_DELETE("set null")', 'MG_ON_DELETE("cascade")')
no_fk = media_sub(' MG_REFERENCES("users", "id") MG_ON_DELETE("set null")', '')
rename_media = media_sub('struct MG_TABLE("media_files") media_file {', 'struct MG_TABLE("media") MG_RENAMED_FROM("media_files") media_file {')
tags = '''#include <stdint.h>

#include <modelgen/model.h>

/** A label on a media file. */
struct MG_TABLE("tags") tag {
	int64_t id MG_PRIMARY_KEY;
	int64_t media_id MG_REFERENCES("media_files", "id") MG_ON_DELETE("cascade");
	char name[33];
};
'''

# Shared starting histories (tests/golden/_histories/).
CREATED = history('created', INIT + [(models(user=add_created), ['diff'])])
INDEXED = history('indexed', INIT + [(models(user=index_rating), ['diff'])])
HANDWRITTEN = history('handwritten', INIT + [(models(), ['new', '-m', 'backfill'])])
NULLABLE_DEFAULT = history('nullable_default', INIT + [(models(user=email_nullable_default), ['diff'])])
renamed_score = user_sub('\tdouble rating;\n', '\tdouble score MG_RENAMED_FROM("rating");\n', add_created)
SQL = history('four', INIT + [(models(user=add_created), ['diff']),
                             (models(user=add_created), ['new', '-m', 'backfill']),
                             (models(user=renamed_score), ['diff'])])
final_sql_models = models(user=renamed_score)

# diff: first migration, each operation kind, refusals, no change, dry run
case('diff_init', models(), ['diff'])
case('diff_message', models(), ['diff', '-m', 'Initial schema: users & media!'])
case('diff_no_change', models(), ['diff'], INIT_H)
case('diff_dry_run', models(user=add_created), ['diff', '--dry-run'], INIT_H)
case('diff_create_table', models(extra={'tag.h': tags}), ['diff'], INIT_H)
case('diff_drop_table_refused', models(media=False), ['diff'], INIT_H)
case('diff_drop_table', models(media=False), ['diff', '--allow-drop'], INIT_H)
case('diff_rename_table', models(media=rename_media), ['diff'], INIT_H)
case('diff_add_column', models(user=add_created), ['diff'], INIT_H)
case('diff_add_column_not_null_refused', models(user=add_created_nodefault), ['diff'], INIT_H)
case('diff_rename_column', models(user=rename_rating), ['diff'], INIT_H)
case('diff_drop_column_refused_rename_hint', models(user=drop_rating_add_score), ['diff'], INIT_H)
case('diff_drop_column', models(user=drop_rating), ['diff', '--allow-drop'], INIT_H)
case('diff_alter_type', models(user=float_rating), ['diff', '--allow-blocking'], INIT_H)
case('diff_alter_type_blocking_refused', models(user=float_rating), ['diff'], INIT_H)
case('diff_set_not_null_fills_nulls', models(user=email_notnull), ['diff'], NULLABLE_DEFAULT)
case('diff_set_not_null_refused', models(user=email_notnull_nodefault), ['diff'], INIT_H)
case('diff_add_index', models(user=index_rating), ['diff'], INIT_H)
case('diff_add_index_plain_ddl', models(user=index_rating), ['diff', '--plain-ddl'], INIT_H)
case('diff_add_unique_composite', models(user=unique_pair), ['diff'], INIT_H)
case('diff_drop_unique', models(user=drop_unique), ['diff'], INIT_H)
case('diff_alter_fk_action', models(media=cascade), ['diff'], INIT_H)
case('diff_drop_fk', models(media=no_fk), ['diff'], INIT_H)

alter_default = user_sub('\tbool is_admin MG_DEFAULT("false");\n', '\tbool is_admin MG_DEFAULT("true");\n')
drop_index = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_NULLABLE;\n')
new_comment = user_sub('/** A registered account. */', '/** A registered account; one per person. */')
composite_pk = media_sub('struct MG_TABLE("media_files") media_file {\n\tint64_t id MG_PRIMARY_KEY;\n',
                         'struct MG_TABLE("media_files") MG_PRIMARY_KEY_ON("id, path") media_file {\n\tint64_t id;\n')
add_fk_column = user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t avatar_id MG_NULLABLE MG_REFERENCES("media_files", "id");\n')
many = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_NULLABLE;\n',
                user_sub('\tdouble rating;\n', '\tfloat score MG_RENAMED_FROM("rating");\n\tint64_t created_at MG_DEFAULT("0");\n'))
case('diff_alter_default', models(user=alter_default), ['diff'], INIT_H)
case('diff_drop_index', models(user=drop_index), ['diff'], INIT_H)
case('diff_set_comment', models(user=new_comment), ['diff'], INIT_H)
case('diff_alter_primary_key', models(media=composite_pk), ['diff'], INIT_H)
case('diff_add_foreign_key_column', models(user=add_fk_column), ['diff'], INIT_H)
case('diff_many_operations', models(user=many, media=cascade, extra={'tag.h': tags}),
     ['diff', '-m', 'Scores, timestamps and tags', '--allow-blocking'], INIT_H)
case('diff_drop_column_and_table', models(user=drop_rating, media=False), ['diff', '--allow-drop'], INIT_H)

# new
case('new_handwritten', models(), ['new', '-m', 'Backfill usernames'], INIT_H)
case('new_needs_message', models(), ['new'], INIT_H)

# amend: the newest migration regenerated from its parent
two_columns = user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t created_at MG_DEFAULT("0");\n\tint64_t updated_at MG_DEFAULT("0");\n')
case('amend_add_second_column', models(user=two_columns), ['diff', '--amend'], CREATED)
case('amend_with_message', models(user=add_created), ['diff', '--amend', '-m', 'Timestamps'], CREATED)
case('amend_nothing_to_amend', models(), ['diff', '--amend'])
case('amend_handwritten_refused', models(), ['diff', '--amend'], HANDWRITTEN)
case('amend_dry_run', models(user=two_columns), ['diff', '--amend', '--dry-run'], CREATED)

# sql
case('sql_all', final_sql_models, ['sql'], SQL)
case('sql_range_postgresql', final_sql_models, ['sql', '--dialect', 'postgresql', '2..3'], SQL)
case('sql_down_sqlite', final_sql_models, ['sql', '--dialect', 'sqlite', '--down', '4'], SQL)
case('sql_bad_range', final_sql_models, ['sql', '3..2'], SQL)
case('sql_no_such_migration', final_sql_models, ['sql', '9'], SQL)

# check
case('check_ok', final_sql_models, ['check'], SQL)
case('check_models_changed', models(user=add_created), ['check'], INIT_H)

# Branch B's 0002 (add created_at) lands next to branch A's 0002 (add an
# index): git merges both files; registry and snapshot conflict and the
# developer kept their own side.
MERGED = '# Branch A\'s 0002 merged in next to this branch\'s 0002.\n' \
         'cp "$HISTORIES/indexed/migrations/0002_add_ix_users_rating.c" generated/migrations/'
both = user_sub('\tdouble rating;\n', '\tdouble rating MG_INDEX;\n', add_created)
case('check_merged_branches', models(user=both), ['check'], CREATED, MERGED)
case('diff_refuses_merged_history', models(user=both), ['diff'], CREATED, MERGED)
# The fix: delete your branch's file and diff again.
case('diff_after_merge_fix', models(user=both), ['diff'], CREATED,
     MERGED + '\n# ... and this branch\'s deleted, to be regenerated on top.\n'
     'rm generated/migrations/0002_add_users_created_at.c')

DELETE_MIDDLE = 'rm generated/migrations/0002_add_users_created_at.c'
case('check_deleted_middle', final_sql_models, ['check'], SQL, DELETE_MIDDLE)
case('new_refuses_deleted_middle', final_sql_models, ['new', '-m', 'more data'], SQL, DELETE_MIDDLE)
case('check_edited_migration', final_sql_models, ['check'], SQL,
     '# A hand edit of a generated migration.\n'
     'sed -i \'0,/DEFAULT 0/s//DEFAULT 1/\' generated/migrations/0002_add_users_created_at.c')
STALE_REGISTRY = '# A merge kept the registry of the other side: it lacks 0004.\n' \
                 'sed -i \'/&mg_migration_0004,/d\' generated/registry.c'
case('check_stale_registry', final_sql_models, ['check'], SQL, STALE_REGISTRY)
case('diff_repairs_stale_registry', final_sql_models, ['diff'], SQL, STALE_REGISTRY)
case('check_handwritten_edit_ok', final_sql_models, ['check'], SQL,
     "# The hand-written migration is filled in: its code is the user's.\n"
     "python3 - generated/migrations/0003_backfill.c <<'PY'\n"
     "import sys\n"
     "p = sys.argv[1]\n"
     "s = open(p).read().replace('\\t(void)db;\\n\\treturn 0;\\n}\\n\\nstatic int down',\n"
     "    '\\treturn mg_db_exec(db, \"UPDATE users SET rating = 0\");\\n}\\n\\nstatic int down', 1)\n"
     "open(p, 'w').write(s)\n"
     "PY")
STALE_SNAPSHOT = '# The snapshot was taken from the other side of a merge.\n' \
                 'cp "$HISTORIES/init/schema.json" generated/schema.json'
case('check_stale_snapshot', final_sql_models, ['check'], SQL, STALE_SNAPSHOT)
case('diff_repairs_stale_snapshot', final_sql_models, ['diff'], SQL, STALE_SNAPSHOT)
case('check_not_a_migration', final_sql_models, ['check'], SQL,
     'printf \'/* Notes about the schema. */\\nint notes;\\n\' >generated/migrations/0005_notes.c')
case('check_renamed_file', final_sql_models, ['check'], SQL,
     'mv generated/migrations/0004_rename_rating.c generated/migrations/0004_score.c')

# A write that fails half way (the migration's name is taken by a folder)
# leaves generated/ exactly as it was: the snapshot and registry already
# renamed into place are put back.
case('diff_write_error_rolls_back', models(user=add_created), ['diff'], INIT_H,
     'mkdir generated/migrations/0002_add_users_created_at.c\n'
     'touch generated/migrations/0002_add_users_created_at.c/.keep')

# Rename hints that swap names, left in the models after their migration.
def file_models(case_name):
    d = os.path.join(ROOT, case_name, 'models')
    out = {}
    for top, _, files in os.walk(d):
        for f in files:
            p = os.path.join(top, f)
            out[os.path.relpath(p, d)] = open(p).read()
    return out

pairs_v1 = {'m.h': """#include <stdint.h>
#include <modelgen/model.h>
/** Rows whose two values were stored under each other's names. */
struct MG_TABLE("pairs") pairs {
\tint64_t id MG_PRIMARY_KEY;
\tint64_t low;
\tint64_t high;
};
/** Something else. */
struct MG_TABLE("notes") notes {
\tint64_t id MG_PRIMARY_KEY;
};
"""}
pairs_v2 = {'m.h': pairs_v1['m.h'].replace('\tint64_t low;\n\tint64_t high;\n',
            '\tint64_t high MG_RENAMED_FROM("low");\n\tint64_t low MG_RENAMED_FROM("high");\n')}
PAIRS = history('swapped_columns', [(pairs_v1, ['diff', '-m', 'init']), (pairs_v2, ['diff', '-m', 'swap low high'])])
for c in ('diff_swap_hints_kept_other_table', 'diff_swap_hints_kept_same_table_refused'):
    case(c, file_models(c), ['diff'], PAIRS)

tables_v1 = {'m.h': """#include <stdint.h>
#include <modelgen/model.h>
/** Accounts that are paid. */
struct MG_TABLE("payees") payees { int64_t id MG_PRIMARY_KEY; int64_t owed; };
/** Accounts that pay. */
struct MG_TABLE("payers") payers { int64_t id MG_PRIMARY_KEY; int64_t balance; };
/** Something else. */
struct MG_TABLE("notes") notes { int64_t id MG_PRIMARY_KEY; };
"""}
c = 'diff_table_swap_hints_kept_other_table'
tables_v2 = {'m.h': file_models(c)['m.h'].replace(' int64_t pinned MG_DEFAULT("0");', '')}
case(c, file_models(c), ['diff'],
     history('swapped_tables', [(tables_v1, ['diff', '-m', 'init']), (tables_v2, ['diff', '-m', 'swap tables'])]))

# A model error, with a history: the error, not a history problem.
c = 'error_table_on_union'
case(c, file_models(c), ['diff'],
     history('things', [({'model.h': """#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
\tint64_t id MG_PRIMARY_KEY;
};
"""}, ['diff'])]))

# A header moved into a subfolder of models/ is no change at all.
case('diff_header_moved_to_folder', {'user.h': base_user, 'media/media.h': base_media}, ['diff'], INIT_H)

# --fill and nullable drops (issue 10 §1, §3, §5).
for c in ('diff_fill', 'diff_fill_refused'):
    case(c, file_models(c), open(os.path.join(ROOT, c, 'args')).read().split('\n')[:-1], INIT_H)
nullable_cols = user_sub('\tdouble rating;\n', '\tchar *nickname MG_NULLABLE;\n\tint32_t score MG_NULLABLE MG_DEFAULT("0");\n')
c = 'diff_drop_nullable_column'
case(c, file_models(c), ['diff', '--allow-drop'], history('nullable_columns', [(models(user=nullable_cols), ['diff'])]))

# Issue 10 section 4: the feature-branch workflows.
# --amend with no model change since: the same bytes, nothing written, no
# warning about databases.
case('amend_no_change', models(user=add_created), ['diff', '--amend'], CREATED)
# An empty message is a bad argument (exit 2), like a missing one.
case('new_empty_message', models(), ['new', '-m', ''], INIT_H)
case('diff_empty_message', models(user=add_created), ['diff', '-m', ' '], INIT_H)
CONFLICTED = '# A merge put conflict markers into the derived schema.json.\n' \
             'sed -i \'6i<<<<<<< HEAD\' generated/schema.json\n' \
             'sed -i \'10i=======\' generated/schema.json\n' \
             'sed -i \'11i>>>>>>> feature\' generated/schema.json'
case('diff_conflicted_snapshot', models(user=both), ['diff'], CREATED, CONFLICTED)
case('check_conflicted_snapshot', models(user=add_created), ['check'], CREATED, CONFLICTED)
# Discarding the newest migration, never applied: delete it and diff again.
case('diff_after_discarding_newest', models(user=index_rating), ['diff'], CREATED,
     '# The newest migration, never applied, is discarded.\n'
     'rm generated/migrations/0002_add_users_created_at.c')
