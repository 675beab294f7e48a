/*
 * Slugs: the part of a migration's file name after "NNNN_", from the -m
 * message or from the operations.
 */
#include "slug.h"

#include <ctype.h>
#include <string.h>

#include "util/strbuf.h"

/* Appends `s` lowercased, [a-z0-9] kept, runs of anything else as one '_'. */
static void slug_put(struct mg_strbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80)
			mg_strbuf_putc(b, (char)tolower(c));
		else if (b->len && b->ptr[b->len - 1] != '_')
			mg_strbuf_putc(b, '_');
	}
}

static void op_slug(struct mg_strbuf *b, const struct diff_op *op)
{
	const struct mg_table *t = op->new_table ? op->new_table : op->old_table;
	const char *table = t ? t->name : "";

	switch (op->kind) {
	case DIFF_CREATE_TABLE:
		mg_strbuf_printf(b, "create_%s", table);
		break;
	case DIFF_DROP_TABLE:
		mg_strbuf_printf(b, "drop_%s", table);
		break;
	case DIFF_RENAME_TABLE:
		mg_strbuf_printf(b, "rename_%s", op->old_table ? op->old_table->name : table);
		break;
	case DIFF_ADD_COLUMN:
		mg_strbuf_printf(b, "add_%s_%s", table, op->new_column ? op->new_column->name : "");
		break;
	case DIFF_DROP_COLUMN:
		mg_strbuf_printf(b, "drop_%s_%s", table,
				 op->old_column ? op->old_column->name : "");
		break;
	case DIFF_RENAME_COLUMN:
		mg_strbuf_printf(b, "rename_%s", op->old_column ? op->old_column->name : "");
		break;
	case DIFF_ALTER_COLUMN:
		mg_strbuf_printf(b, "alter_%s_%s", table,
				 op->new_column   ? op->new_column->name
				 : op->old_column ? op->old_column->name
						  : "");
		break;
	case DIFF_ADD_INDEX:
		if (op->old_index)
			mg_strbuf_printf(b, "rename_%s", op->old_index->name);
		else
			mg_strbuf_printf(b, "add_%s", op->index ? op->index->name : table);
		break;
	case DIFF_DROP_INDEX:
		mg_strbuf_printf(b, "drop_%s", op->index ? op->index->name : table);
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (op->old_fk)
			mg_strbuf_printf(b, "rename_%s", op->old_fk->name);
		else
			mg_strbuf_printf(b, "add_%s", op->fk ? op->fk->name : table);
		break;
	case DIFF_DROP_FOREIGN_KEY:
		mg_strbuf_printf(b, "drop_%s", op->fk ? op->fk->name : table);
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		mg_strbuf_printf(b,
				 op->pk_renamed ? "rename_%s_primary_key" : "alter_%s_primary_key",
				 table);
		break;
	case DIFF_SET_COMMENT:
		mg_strbuf_printf(b, "comment_%s", table);
		break;
	default:
		mg_strbuf_printf(b, "change_%s", table);
		break;
	}
}

void slug_make(char *out, const char *message, const struct diff_result *diff, int first)
{
	struct mg_strbuf raw = {0}, slug = {0};
	size_t n;

	if (message) {
		mg_strbuf_puts(&raw, message);
	} else if (first) {
		mg_strbuf_puts(&raw, "init");
	} else if (diff && diff->n_ops) {
		/* Index and key renames that follow a table or column rename are
		 * not news of their own. */
		const struct diff_op *lead = NULL;
		size_t i, n_main = 0;

		for (i = 0; i < diff->n_ops; i++) {
			const struct diff_op *op = &diff->ops[i];

			if (op->old_index || op->old_fk)
				continue;
			if (!lead)
				lead = op;
			n_main++;
		}
		if (!lead) {
			lead = &diff->ops[0];
			n_main = diff->n_ops;
		}
		op_slug(&raw, lead);
		if (n_main > 1)
			mg_strbuf_puts(&raw, "_and_more");
	}
	slug_put(&slug, mg_strbuf_cstr(&raw));
	n = slug.len;
	if (n > SLUG_MAX && !message && strstr(mg_strbuf_cstr(&slug), "_and_more")) {
		/* Keep the "_and_more" when cutting an operation slug. */
		mg_strbuf_clear(&raw);
		mg_strbuf_putn(&raw, slug.ptr, SLUG_MAX - 9);
		while (raw.len && raw.ptr[raw.len - 1] == '_')
			raw.ptr[--raw.len] = '\0';
		mg_strbuf_puts(&raw, "_and_more");
		mg_strbuf_clear(&slug);
		mg_strbuf_puts(&slug, mg_strbuf_cstr(&raw));
		n = slug.len;
	}
	if (n > SLUG_MAX)
		n = SLUG_MAX;
	while (n && slug.ptr[n - 1] == '_')
		n--;
	if (n == 0) {
		strcpy(out, "migration");
	} else {
		memcpy(out, slug.ptr, n);
		out[n] = '\0';
	}
	mg_strbuf_free(&raw);
	mg_strbuf_free(&slug);
}
