#!/usr/bin/env python3
"""Builds the inputs of the generator's golden cases (diff_, check_, new_,
sql_, amend_) in tests/golden: models/, args and generated/ (the state
before), each history made by running modelgen step by step the way it
happens (two branches merged, a migration deleted or edited, ...).

usage: make_generator_cases.py MODELGEN
then:  for c in diff_* check_* new_* sql_* amend_*; do
           bash run.sh MODELGEN $c --update; done
and review the expected/ changes before committing."""
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

def history(steps):
    """Runs each (models, args) step in one work dir; returns the work dir."""
    work = tempfile.mkdtemp(prefix='mgcase.')
    for m, args in steps:
        write_models(work + '/models', m)
        run(work, *args)
    return work

def case(name, final_models, args, steps=(), mutate=None):
    d = os.path.join(ROOT, name)
    for sub in ('models', 'generated'):
        shutil.rmtree(os.path.join(d, sub), ignore_errors=True)
    os.makedirs(d, exist_ok=True)
    if steps:
        work = history(steps)
        if mutate:
            mutate(work + '/generated')
        shutil.copytree(work + '/generated', d + '/generated')
        shutil.rmtree(work)
    write_models(d + '/models', final_models)
    open(d + '/args', 'w').write('\n'.join(args) + '\n')

INIT = [(models(), ['diff'])]

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

# diff: first migration, each operation kind, refusals, no change, dry run
case('diff_init', models(), ['diff'])
case('diff_message', models(), ['diff', '-m', 'Initial schema: users & media!'])
case('diff_no_change', models(), ['diff'], INIT)
case('diff_dry_run', models(user=add_created), ['diff', '--dry-run'], INIT)
case('diff_create_table', models(extra={'tag.h': tags}), ['diff'], INIT)
case('diff_drop_table_refused', models(media=False), ['diff'], INIT)
case('diff_drop_table', models(media=False), ['diff', '--allow-drop'], INIT)
case('diff_rename_table', models(media=rename_media), ['diff'], INIT)
case('diff_add_column', models(user=add_created), ['diff'], INIT)
case('diff_add_column_not_null_refused', models(user=add_created_nodefault), ['diff'], INIT)
case('diff_rename_column', models(user=rename_rating), ['diff'], INIT)
case('diff_drop_column_refused_rename_hint', models(user=drop_rating_add_score), ['diff'], INIT)
case('diff_drop_column', models(user=drop_rating), ['diff', '--allow-drop'], INIT)
case('diff_alter_type', models(user=float_rating), ['diff'], INIT)
case('diff_set_not_null_fills_nulls', models(user=email_notnull), ['diff'],
     [(models(), ['diff']), (models(user=email_nullable_default), ['diff'])])
case('diff_set_not_null_refused', models(user=email_notnull_nodefault), ['diff'], INIT)
case('diff_add_index', models(user=index_rating), ['diff'], INIT)
case('diff_add_unique_composite', models(user=unique_pair), ['diff'], INIT)
case('diff_drop_unique', models(user=drop_unique), ['diff'], INIT)
case('diff_alter_fk_action', models(media=cascade), ['diff'], INIT)
case('diff_drop_fk', models(media=no_fk), ['diff'], INIT)

alter_default = user_sub('\tbool is_admin MG_DEFAULT("false");\n', '\tbool is_admin MG_DEFAULT("true");\n')
drop_index = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_NULLABLE;\n')
new_comment = user_sub('/** A registered account. */', '/** A registered account; one per person. */')
composite_pk = media_sub('struct MG_TABLE("media_files") media_file {\n\tint64_t id MG_PRIMARY_KEY;\n',
                         'struct MG_TABLE("media_files") MG_PRIMARY_KEY_ON("id, path") media_file {\n\tint64_t id;\n')
add_fk_column = user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t avatar_id MG_NULLABLE MG_REFERENCES("media_files", "id");\n')
many = user_sub('\tchar *email MG_NULLABLE MG_INDEX;\n', '\tchar *email MG_NULLABLE;\n',
                user_sub('\tdouble rating;\n', '\tfloat score MG_RENAMED_FROM("rating");\n\tint64_t created_at MG_DEFAULT("0");\n'))
case('diff_alter_default', models(user=alter_default), ['diff'], INIT)
case('diff_drop_index', models(user=drop_index), ['diff'], INIT)
case('diff_set_comment', models(user=new_comment), ['diff'], INIT)
case('diff_alter_primary_key', models(media=composite_pk), ['diff'], INIT)
case('diff_add_foreign_key_column', models(user=add_fk_column), ['diff'], INIT)
case('diff_many_operations', models(user=many, media=cascade, extra={'tag.h': tags}),
     ['diff', '-m', 'Scores, timestamps and tags'], INIT)
case('diff_drop_column_and_table', models(user=drop_rating, media=False), ['diff', '--allow-drop'], INIT)

# new
case('new_handwritten', models(), ['new', '-m', 'Backfill usernames'], INIT)
case('new_needs_message', models(), ['new'], INIT)

# amend: the newest migration regenerated from its parent
case('amend_add_second_column', models(user=user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t created_at MG_DEFAULT("0");\n\tint64_t updated_at MG_DEFAULT("0");\n')),
     ['diff', '--amend'], INIT + [(models(user=add_created), ['diff'])])
case('amend_with_message', models(user=add_created), ['diff', '--amend', '-m', 'Timestamps'],
     INIT + [(models(user=add_created), ['diff'])])
case('amend_nothing_to_amend', models(), ['diff', '--amend'])

case('amend_handwritten_refused', models(), ['diff', '--amend'],
     INIT + [(models(), ['new', '-m', 'backfill'])])
case('amend_dry_run', models(user=user_sub('\tdouble rating;\n', '\tdouble rating;\n\tint64_t created_at MG_DEFAULT("0");\n\tint64_t updated_at MG_DEFAULT("0");\n')),
     ['diff', '--amend', '--dry-run'], INIT + [(models(user=add_created), ['diff'])])

# sql
sql_hist = INIT + [(models(user=add_created), ['diff']), (models(user=add_created), ['new', '-m', 'backfill']),
                   (models(user=user_sub('\tdouble rating;\n', '\tdouble score MG_RENAMED_FROM("rating");\n', add_created)), ['diff'])]
final_sql_models = models(user=user_sub('\tdouble rating;\n', '\tdouble score MG_RENAMED_FROM("rating");\n', add_created))
case('sql_all', final_sql_models, ['sql'], sql_hist)
case('sql_range_postgresql', final_sql_models, ['sql', '--dialect', 'postgresql', '2..3'], sql_hist)
case('sql_down_sqlite', final_sql_models, ['sql', '--dialect', 'sqlite', '--down', '4'], sql_hist)

# check
case('check_ok', final_sql_models, ['check'], sql_hist)
case('check_models_changed', models(user=add_created), ['check'], INIT)

def merged(gen):
    # Branch B's 0002 (add created_at) lands next to branch A's 0002
    # (add index): git merges both files; registry and snapshot conflict
    # and the developer kept their own side.
    work = history(INIT + [(models(user=index_rating), ['diff'])])
    src = [f for f in os.listdir(work + '/generated/migrations') if f.startswith('0002')][0]
    shutil.copy(work + '/generated/migrations/' + src, gen + '/migrations/' + src)
    shutil.rmtree(work)
both = user_sub('\tdouble rating;\n', '\tdouble rating MG_INDEX;\n', add_created)
case('check_merged_branches', models(user=both), ['check'], INIT + [(models(user=add_created), ['diff'])], merged)
# The fix: delete your branch's file and diff again.
def merged_fixed(gen):
    merged(gen)
    os.remove(gen + '/migrations/0002_add_users_created_at.c')
case('diff_after_merge_fix', models(user=both), ['diff'], INIT + [(models(user=add_created), ['diff'])], merged_fixed)

def delete_middle(gen):
    os.remove(gen + '/migrations/0002_add_users_created_at.c')
case('check_deleted_middle', final_sql_models, ['check'], sql_hist, delete_middle)

def edit_migration(gen):
    p = gen + '/migrations/0002_add_users_created_at.c'
    s = open(p).read()
    assert 'DEFAULT 0' in s
    open(p, 'w').write(s.replace('DEFAULT 0', 'DEFAULT 1', 1))
case('check_edited_migration', final_sql_models, ['check'], sql_hist, edit_migration)

def stale_registry(gen):
    # A merge kept the registry of the other side: it lacks 0004.
    p = gen + '/registry.c'
    s = open(p).read()
    open(p, 'w').write(s.replace('\t&mg_migration_0004,\n', ''))
case('check_stale_registry', final_sql_models, ['check'], sql_hist, stale_registry)
case('diff_repairs_stale_registry', final_sql_models, ['diff'], sql_hist, stale_registry)

def edit_handwritten(gen):
    p = gen + '/migrations/0003_backfill.c'
    s = open(p).read()
    open(p, 'w').write(s.replace('\t(void)db;\n\treturn 0;\n}\n\nstatic int down', '\treturn mg_db_exec(db, "UPDATE users SET rating = 0", 0, NULL);\n}\n\nstatic int down', 1))
case('check_handwritten_edit_ok', final_sql_models, ['check'], sql_hist, edit_handwritten)

def stale_snapshot(gen):
    # The snapshot was taken from the other side of a merge.
    work = history(INIT)
    shutil.copy(work + '/generated/schema.json', gen + '/schema.json')
    shutil.rmtree(work)
case('check_stale_snapshot', final_sql_models, ['check'], sql_hist, stale_snapshot)
case('diff_repairs_stale_snapshot', final_sql_models, ['diff'], sql_hist, stale_snapshot)

def foreign_file(gen):
    open(gen + '/migrations/0005_notes.c', 'w').write('/* Notes about the schema. */\nint notes;\n')
case('check_not_a_migration', final_sql_models, ['check'], sql_hist, foreign_file)

def renamed_file(gen):
    os.rename(gen + '/migrations/0004_rename_rating.c', gen + '/migrations/0004_score.c')
case('check_renamed_file', final_sql_models, ['check'], sql_hist, renamed_file)

case('sql_bad_range', final_sql_models, ['sql', '3..2'], sql_hist)
case('sql_no_such_migration', final_sql_models, ['sql', '9'], sql_hist)

# diff and new refuse to build on a history that check rejects.
case('diff_refuses_merged_history', models(user=both), ['diff'],
     INIT + [(models(user=add_created), ['diff'])], merged)
case('new_refuses_deleted_middle', final_sql_models, ['new', '-m', 'more data'], sql_hist, delete_middle)

# A write that fails half way (the migration's name is taken by a folder)
# leaves generated/ exactly as it was: the snapshot and registry already
# renamed into place are put back.
def blocked_name(gen):
    os.makedirs(gen + '/migrations/0002_add_users_created_at.c')
    open(gen + '/migrations/0002_add_users_created_at.c/.keep', 'w').close()
case('diff_write_error_rolls_back', models(user=add_created), ['diff'], INIT, blocked_name)

# Rename hints that swap names, left in the models after their migration.
def file_of(case_name, name):
    return open(os.path.join(ROOT, case_name, 'models', name)).read()

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
pairs_hist = [(pairs_v1, ['diff', '-m', 'init']), (pairs_v2, ['diff', '-m', 'swap low high'])]
for c in ('diff_swap_hints_kept_other_table', 'diff_swap_hints_kept_same_table_refused'):
    case(c, {'m.h': file_of(c, 'm.h')}, ['diff'], pairs_hist)

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
tables_v2 = {'m.h': file_of(c, 'm.h').replace(' int64_t pinned MG_DEFAULT("0");', '')}
case(c, {'m.h': file_of(c, 'm.h')}, ['diff'],
     [(tables_v1, ['diff', '-m', 'init']), (tables_v2, ['diff', '-m', 'swap tables'])])

# A model error, with a history: the error, not a history problem.
c = 'error_table_on_union'
case(c, {'model.h': file_of(c, 'model.h')}, ['diff'],
     [({'model.h': """#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
\tint64_t id MG_PRIMARY_KEY;
};
"""}, ['diff'])])

# A header moved into a subfolder of models/ is no change at all.
case('diff_header_moved_to_folder', {'user.h': base_user, 'media/media.h': base_media}, ['diff'], INIT)

# Issue 10 section 4: the feature-branch workflows.
# --amend with no model change since: the same bytes, nothing written, no
# warning about databases.
case('amend_no_change', models(user=add_created), ['diff', '--amend'],
     INIT + [(models(user=add_created), ['diff'])])
# An empty message is a bad argument (exit 2), like a missing one.
case('new_empty_message', models(), ['new', '-m', ''], INIT)
case('diff_empty_message', models(user=add_created), ['diff', '-m', ' '], INIT)

def conflicted_snapshot(gen):
    # A merge put conflict markers into the derived schema.json.
    p = gen + '/schema.json'
    lines = open(p).read().split('\n')
    lines.insert(5, '<<<<<<< HEAD')
    lines.insert(9, '=======')
    lines.insert(10, '>>>>>>> feature')
    open(p, 'w').write('\n'.join(lines))
case('diff_conflicted_snapshot', models(user=both), ['diff'],
     INIT + [(models(user=add_created), ['diff'])], conflicted_snapshot)
case('check_conflicted_snapshot', models(user=add_created), ['check'],
     INIT + [(models(user=add_created), ['diff'])], conflicted_snapshot)

# Discarding the newest migration, never applied: delete it and diff again.
def discard_newest(gen):
    os.remove(gen + '/migrations/0002_add_users_created_at.c')
case('diff_after_discarding_newest', models(user=index_rating), ['diff'],
     INIT + [(models(user=add_created), ['diff'])], discard_newest)

# Cases other sessions made by hand (planner, issue 10 §1, §3, §5), their
# inputs made here too.
def file_models(case_name):
    d = os.path.join(ROOT, case_name, 'models')
    return {f: open(os.path.join(d, f)).read() for f in sorted(os.listdir(d))}
for c in ('diff_fill', 'diff_fill_refused'):
    case(c, file_models(c), open(os.path.join(ROOT, c, 'args')).read().split('\n')[:-1], INIT)
nullable_cols = user_sub('\tdouble rating;\n', '\tchar *nickname MG_NULLABLE;\n\tint32_t score MG_NULLABLE MG_DEFAULT("0");\n')
c = 'diff_drop_nullable_column'
case(c, file_models(c), ['diff', '--allow-drop'], [(models(user=nullable_cols), ['diff'])])
