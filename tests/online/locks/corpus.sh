# The corpus of the lock-claim proof (sourced by run.sh): a model history of
# one operation kind per migration (a few need two operations), each
# `version NAME [DIFF-ARGS...]` followed by the whole model header of that
# version on stdin; `seed` (SQL on stdin) runs before the next migration.

PARENTS='struct MG_TABLE("parents") parent {
	int64_t id MG_PRIMARY_KEY;
	char name[33];
};'

version create_tables <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
};
EOF

seed <<'EOF'
INSERT INTO parents (name) VALUES ('a'), ('b'), ('c');
INSERT INTO items (parent_id, code, qty, note)
SELECT 1 + i % 3, 'c' || i, CASE WHEN i % 2 = 0 THEN i END, CASE WHEN i % 3 = 0 THEN 'n' || i END
FROM generate_series(1, 1000) i;
EOF

version add_table_with_key <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
};
struct MG_TABLE("tags") tag {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id");
	char label[17];
};
EOF

seed <<'EOF'
INSERT INTO tags (parent_id, label) VALUES (1, 'x'), (2, 'y');
EOF

TAGS='struct MG_TABLE("tags") tag {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id");
	char label[17];
};'

version add_column <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
	char *color MG_NULLABLE;
};
$TAGS
EOF

version add_column_default <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
	char *color MG_NULLABLE;
	bool flag MG_DEFAULT("false");
};
$TAGS
EOF

version add_column_volatile_default --allow-blocking <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
	char *color MG_NULLABLE;
	bool flag MG_DEFAULT("false");
	double rnd MG_DEFAULT("random()");
};
$TAGS
EOF

version add_column_filled --fill items.weight=7 <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
	char *color MG_NULLABLE;
	bool flag MG_DEFAULT("false");
	double rnd MG_DEFAULT("random()");
	int32_t weight;
};
$TAGS
EOF

version drop_column --allow-drop <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *note MG_NULLABLE;
	bool flag MG_DEFAULT("false");
	double rnd MG_DEFAULT("random()");
	int32_t weight;
};
$TAGS
EOF

version rename_column <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	char code[17];
	int32_t qty MG_NULLABLE;
	char *remark MG_NULLABLE MG_RENAMED_FROM("note");
	bool flag MG_DEFAULT("false");
	double rnd MG_DEFAULT("random()");
	int32_t weight;
};
$TAGS
EOF

# From here on items is ITEMS_HEAD, then the columns that change.
ITEMS_HEAD='	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;'
ITEMS_TAIL='	bool flag MG_DEFAULT("false");
	double rnd MG_DEFAULT("random()");
	int32_t weight;'

version rename_table <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[17];
	int32_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
struct MG_TABLE("labels") MG_RENAMED_FROM("tags") label {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id");
	char label[17];
};
EOF

version drop_table --allow-drop <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[17];
	int32_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version widen_varchar <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[33];
	int32_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

PARENTS='struct MG_TABLE("parents") parent {
	int64_t id MG_PRIMARY_KEY;
	char *name;
};'

version varchar_to_text <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[33];
	int32_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version int_to_bigint --allow-blocking <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[33];
	int64_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version narrow_varchar --allow-blocking <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
	int64_t qty MG_NULLABLE;
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version set_not_null_default <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
	int64_t qty MG_DEFAULT("1");
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version set_not_null_fill --fill "items.remark='r'" <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
	int64_t qty MG_DEFAULT("1");
	char *remark;
$ITEMS_TAIL
};
EOF

version drop_not_null <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
	int64_t qty MG_DEFAULT("1");
	char *remark MG_NULLABLE;
$ITEMS_TAIL
};
EOF

version set_default <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
	int64_t qty MG_DEFAULT("1");
	char *remark MG_NULLABLE MG_DEFAULT("'none'");
$ITEMS_TAIL
};
EOF

ITEMS_MID='	int64_t qty MG_DEFAULT("1");
	char *remark MG_NULLABLE;'

version drop_default <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version add_index <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25] MG_INDEX;
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version rename_index <<EOF
$PARENTS
struct MG_TABLE("items") MG_NAME("ix_items_code", "ix_items_by_code") item {
$ITEMS_HEAD
	char code[25] MG_INDEX;
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version drop_index <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version add_unique <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25] MG_UNIQUE;
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version drop_unique <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
	char code[25];
$ITEMS_MID
$ITEMS_TAIL
};
EOF

ITEMS_CODE='	char code[25];'

version add_foreign_key <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id");
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version alter_fk_action <<EOF
$PARENTS
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id") MG_ON_DELETE("cascade");
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version rename_foreign_key <<EOF
$PARENTS
struct MG_TABLE("items") MG_NAME("fk_items_parent_id", "items_parent_fkey") item {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("parents", "id") MG_ON_DELETE("cascade");
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version drop_foreign_key <<EOF
$PARENTS
struct MG_TABLE("items") item {
$ITEMS_HEAD
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version alter_primary_key <<EOF
$PARENTS
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
	int64_t id;
	int64_t parent_id;
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version set_comment <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
	int64_t id;
	int64_t parent_id;
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

# --plain-ddl: the same kinds without CONCURRENTLY, NOT VALID or batches.
ITEMS_HEAD='	int64_t id;
	int64_t parent_id;'

version plain_add_index --plain-ddl <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
$ITEMS_HEAD
	char code[25] MG_INDEX;
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version plain_drop_index --plain-ddl <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
$ITEMS_HEAD
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

version plain_add_foreign_key --plain-ddl <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
	int64_t id;
	int64_t parent_id MG_REFERENCES("parents", "id");
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
};
EOF

ITEMS_HEAD='	int64_t id;
	int64_t parent_id MG_REFERENCES("parents", "id");'

version plain_add_column_filled --plain-ddl --fill items.size=3 <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
$ITEMS_HEAD
$ITEMS_CODE
$ITEMS_MID
$ITEMS_TAIL
	int32_t size;
};
EOF

seed <<'EOF'
UPDATE items SET remark = NULL WHERE id % 2 = 0;
EOF

version plain_set_not_null --plain-ddl --fill "items.remark='p'" <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("parent_id, id") item {
$ITEMS_HEAD
$ITEMS_CODE
	int64_t qty MG_DEFAULT("1");
	char *remark;
$ITEMS_TAIL
	int32_t size;
};
EOF

version plain_alter_primary_key --plain-ddl <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("id") item {
$ITEMS_HEAD
$ITEMS_CODE
	int64_t qty MG_DEFAULT("1");
	char *remark;
$ITEMS_TAIL
	int32_t size;
};
EOF

# Its down adds the identity back while the key leads with id: MAX(id)
# reads one index entry, no scan.
version alter_primary_key_leading <<EOF
$PARENTS
/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("id, parent_id") item {
$ITEMS_HEAD
$ITEMS_CODE
	int64_t qty MG_DEFAULT("1");
	char *remark;
$ITEMS_TAIL
	int32_t size;
};
EOF

ITEMS_PK='/** Things a parent has. */
struct MG_TABLE("items") MG_PRIMARY_KEY_ON("id, parent_id") item {'
ITEMS_REST='	char *remark;
	double rnd MG_DEFAULT("random()");
	int32_t weight;'

version set_column_comment <<EOF
$PARENTS
$ITEMS_PK
$ITEMS_HEAD
$ITEMS_CODE
	/** How many. */
	int64_t qty MG_DEFAULT("1");
	bool flag MG_DEFAULT("false");
$ITEMS_REST
	int32_t size;
};
EOF

# boolean to integer has no assignment cast: USING flag::integer.
version type_change_using --allow-blocking <<EOF
$PARENTS
$ITEMS_PK
$ITEMS_HEAD
$ITEMS_CODE
	/** How many. */
	int64_t qty MG_DEFAULT("1");
	int32_t flag MG_DEFAULT("0");
$ITEMS_REST
	int32_t size;
};
EOF

version swap_column_names <<EOF
$PARENTS
$ITEMS_PK
$ITEMS_HEAD
$ITEMS_CODE
	/** How many. */
	int64_t size MG_DEFAULT("1") MG_RENAMED_FROM("qty");
	int32_t flag MG_DEFAULT("0");
$ITEMS_REST
	int32_t qty MG_RENAMED_FROM("size");
};
EOF

ITEMS='struct MG_TABLE("items") MG_PRIMARY_KEY_ON("id, parent_id") item {
	int64_t id;
	int64_t parent_id MG_REFERENCES("parents", "id");
	char code[25];
	/** How many. */
	int64_t size MG_DEFAULT("1");
	int32_t flag MG_DEFAULT("0");
	char *remark;
	double rnd MG_DEFAULT("random()");
	int32_t weight;
	int32_t qty;
};'

# Two new tables that refer to each other (their keys added after both)
# and to an existing one.
version add_tables_in_a_cycle <<EOF
$PARENTS
$ITEMS
struct MG_TABLE("boxes") box {
	int64_t id MG_PRIMARY_KEY;
	int64_t lid_id MG_NULLABLE MG_REFERENCES("lids", "id");
	int64_t parent_id MG_REFERENCES("parents", "id");
};
struct MG_TABLE("lids") lid {
	int64_t id MG_PRIMARY_KEY;
	int64_t box_id MG_NULLABLE MG_REFERENCES("boxes", "id");
};
EOF

seed <<'EOF'
INSERT INTO boxes (parent_id) VALUES (1), (2);
INSERT INTO lids (box_id) VALUES (1), (2);
UPDATE boxes SET lid_id = id;
EOF

# Their keys dropped first, then the tables.
version drop_tables_in_a_cycle --allow-drop <<EOF
$PARENTS
$ITEMS
EOF

version add_index_plain_unique --plain-ddl <<EOF
struct MG_TABLE("parents") parent {
	int64_t id MG_PRIMARY_KEY;
	char *name MG_UNIQUE;
};
$ITEMS
EOF

# The table's derived names follow it: its key, its index, its sequence.
ITEMS=${ITEMS//\"parents\"/\"owners\"}
version rename_table_with_index <<EOF
struct MG_TABLE("owners") MG_RENAMED_FROM("parents") owner {
	int64_t id MG_PRIMARY_KEY;
	char *name MG_UNIQUE;
};
$ITEMS
EOF

version int_to_text --allow-blocking <<EOF
struct MG_TABLE("owners") owner {
	int64_t id MG_PRIMARY_KEY;
	char *name MG_UNIQUE;
};
${ITEMS//int32_t weight;/char *weight;}
EOF
