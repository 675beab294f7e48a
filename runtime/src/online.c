/*
 * The lock budget, the index states of steps outside a transaction, and the
 * batched fill's cursor (online.h).
 */
#include "online.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

int online_plan_recorded(const struct mg_db *db, const struct mg_plan *p)
{
	size_t i;

	if (!db->driver->sql_index_states || !p)
		return 0;
	for (i = 0; i < p->n_steps; i++)
		if (p->steps[i].flags & (MG_STEP_NO_TX | MG_STEP_BATCHED | MG_STEP_OWN_TX))
			return 1;
	return 0;
}

long long online_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

int online_lock_wait(struct mg_db *db, struct lock_budget *b, const char *what,
		     long long elapsed_ms, const char *state)
{
	const char *who = db->blockers.len ? mg_strbuf_cstr(&db->blockers) : NULL;
	unsigned step = b->tries < 6 ? 250u << b->tries : 8000u; /* 0.25 s .. 8 s */
	unsigned pause;

	b->tries++;
	b->used_ms += elapsed_ms > 0 ? (unsigned long long)elapsed_ms : 0;
	if (!b->seed)
		b->seed = (unsigned)time(NULL) ^ (unsigned)(size_t)db;
	/* Jitter: between half and one and a half of the step. */
	pause = step / 2 + (unsigned)(rand_r(&b->seed) % (step + 1));
	if (b->used_ms + pause > b->max_ms) {
		mg_db_error(
			db, MG_E_LOCKED,
			"%s: gave up after waiting %.1f s for locks in %u tries (--max-lock-wait "
			"%u s)%s%s; %s",
			what, (double)b->used_ms / 1000.0, b->tries, b->max_ms / 1000,
			who ? "; blocked by " : "", who ? who : "", state);
		return MG_E_LOCKED;
	}
	db_progress(
		db, "%s: lock not granted within %u ms%s%s; try %u in %.1f s (%.1f of %u s used)",
		what, db->lock_timeout_ms, who ? "; blocked by " : "", who ? who : "", b->tries + 1,
		pause / 1000.0, (double)(b->used_ms + pause) / 1000.0, b->max_ms / 1000);
	pause_ms(pause);
	b->used_ms += pause;
	mg_strbuf_clear(&db->blockers);
	return 0;
}

int online_index_states(struct mg_db *db, size_t n, const char *const *names, unsigned char *states)
{
	struct mg_strbuf arr = {0};
	struct mg_rows *rows = NULL;
	const char *params[1];
	size_t i;
	int rc;

	memset(states, 0, n);
	if (!n)
		return 0;
	mg_strbuf_putc(&arr, '{');
	for (i = 0; i < n; i++) {
		const char *p;

		mg_strbuf_puts(&arr, i ? ",\"" : "\"");
		for (p = names[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				mg_strbuf_putc(&arr, '\\');
			mg_strbuf_putc(&arr, *p);
		}
		mg_strbuf_putc(&arr, '"');
	}
	mg_strbuf_putc(&arr, '}');
	if (mg_strbuf_failed(&arr)) {
		rc = db_nomem(db);
		goto done;
	}
	params[0] = mg_strbuf_cstr(&arr);
	rc = mg_db_query(&rows, db, db->driver->sql_index_states, 1, params);
	while (rc == 0 && (rc = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0), *valid = mg_rows_text(rows, 1);

		for (i = 0; i < n; i++)
			if (name && strcmp(names[i], name) == 0)
				states[i] = valid && strcmp(valid, "t") == 0 ? 1 : 2;
		rc = 0;
	}
	if (rc > 0)
		rc = 0;
done:
	if (rc)
		db_prefix(db, "reading the state of the migration's indexes");
	mg_rows_free(rows);
	mg_strbuf_free(&arr);
	return rc;
}

size_t online_batch_keys(const char *sql)
{
	unsigned long max = 0;
	const char *p;

	for (p = sql; (p = strchr(p, '$')) != NULL; p++)
		if (p[1] >= '1' && p[1] <= '9') {
			unsigned long v = strtoul(p + 1, NULL, 10);

			if (v > max)
				max = v;
		}
	return max ? (size_t)max - 1 : 0;
}

char *online_cursor_encode(size_t k, const char *const *vals)
{
	struct mg_strbuf b = {0};
	size_t i;

	for (i = 0; i < k; i++)
		mg_strbuf_printf(&b, "%zu:%s", strlen(vals[i]), vals[i]);
	return mg_strbuf_detach(&b);
}

int online_cursor_decode(char **vals, size_t k, const char *text)
{
	const char *p = text;
	size_t i;

	memset(vals, 0, k * sizeof(*vals));
	for (i = 0; i < k; i++) {
		char *end;
		unsigned long len = strtoul(p, &end, 10);

		if (end == p || *end != ':' || strlen(end + 1) < len)
			goto bad;
		vals[i] = mg_malloc(len + 1);
		if (!vals[i])
			goto bad;
		memcpy(vals[i], end + 1, len);
		vals[i][len] = '\0';
		p = end + 1 + len;
	}
	if (*p == '\0')
		return 0;
bad:
	online_cursor_free(vals, k);
	return -1;
}

void online_cursor_free(char **vals, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
}
