/*
 * Writing generated files atomically (see write.h): every file to a
 * temporary name, synced, then all renamed into place, with the previous
 * files kept reachable until every rename succeeded.
 */
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "xalloc.h"

int write_read_file(char **out, const char *path)
{
	size_t len;

	return write_read_file_len(out, &len, path);
}

/* One buffer of the file's size (a 57 MB migration at 10000 tables is not
 * grown and copied as it is read), grown only if the file grows meanwhile. */
int write_read_file_len(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t cap = 65536, n = 0, got;
	char *text;

	*out = NULL;
	*len = 0;
	if (!f)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	text = xcalloc(1, cap + 1);
	while ((got = fread(text + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *grown = xcalloc(1, 2 * cap + 1);

			memcpy(grown, text, n);
			free(text);
			text = grown;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(text);
		errno = e;
		return -1;
	}
	fclose(f);
	text[n] = '\0';
	*out = text;
	*len = n;
	return 0;
}

static void io_fail(struct diag_list *diags, const char *what, const char *path)
{
	struct diag_loc loc = {path, 0, 0};

	diag_error(diags, &loc, "%s: %s", what, strerror(errno));
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *
xprintf(const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return mg_strbuf_detach(&b);
}

static int ensure_dir(const char *path, char **created)
{
	*created = NULL;
	if (mkdir(path, 0777) == 0) {
		*created = xstrdup(path);
		return 0;
	}
	return errno == EEXIST ? 0 : -1;
}

static void fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* write(2) until all `len` bytes are out (a big migration may take more
 * than one call). Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_files(const char *dir, struct write_file *files, size_t n, const char *remove_path,
		struct diag_list *diags)
{
	char *made_dir = NULL, *made_mig = NULL;
	char *mig_dir = xprintf("%s/migrations", dir);
	size_t i;
	int rc = -1;

	if (ensure_dir(dir, &made_dir) != 0 || ensure_dir(mig_dir, &made_mig) != 0) {
		io_fail(diags, "cannot create", made_dir ? mig_dir : dir);
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(files[i].text);
		int fd;

		files[i].tmp = xprintf("%s.tmp-XXXXXX", files[i].path);
		fd = mkstemp(files[i].tmp);
		if (fd < 0) {
			io_fail(diags, "cannot write", files[i].path);
			free(files[i].tmp);
			files[i].tmp = NULL;
			goto done;
		}
		files[i].renamed = 0;
		if (fchmod(fd, 0644) != 0 || write_all(fd, files[i].text, len) != 0 ||
		    fsync(fd) != 0) {
			io_fail(diags, "cannot write", files[i].path);
			close(fd);
			goto done;
		}
		if (close(fd) != 0) {
			io_fail(diags, "cannot write", files[i].path);
			goto done;
		}
	}
	/* Keep the previous files reachable until every rename succeeded, so
	 * that a failure can put them back. */
	for (i = 0; i < n; i++) {
		struct stat sb;

		if (lstat(files[i].path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue; /* nothing to keep (or the rename below fails) */
		files[i].backup = xprintf("%s.orig", files[i].tmp);
		if (link(files[i].path, files[i].backup) != 0) {
			free(files[i].backup);
			files[i].backup = NULL;
			/* No hard links on this file system: keep the bytes. */
			if (write_read_file(&files[i].old_text, files[i].path) != 0) {
				io_fail(diags, "cannot read", files[i].path);
				goto done;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (rename(files[i].tmp, files[i].path) != 0) {
			io_fail(diags, "cannot write", files[i].path);
			goto done;
		}
		files[i].renamed = 1;
	}
	if (remove_path && unlink(remove_path) != 0 && errno != ENOENT) {
		io_fail(diags, "cannot remove", remove_path);
		goto done;
	}
	fsync_dir(mig_dir);
	fsync_dir(dir);
	rc = 0;
done:
	for (i = 0; i < n; i++) {
		if (rc != 0 && files[i].renamed) {
			if (files[i].backup) {
				(void)rename(files[i].backup, files[i].path);
			} else if (files[i].old_text) {
				FILE *f = fopen(files[i].path, "wb");

				if (f) {
					(void)fputs(files[i].old_text, f);
					(void)fclose(f);
				}
			} else {
				(void)unlink(files[i].path);
			}
		} else if (files[i].tmp) {
			(void)unlink(files[i].tmp);
		}
		if (files[i].backup)
			(void)unlink(files[i].backup);
		free(files[i].tmp);
		free(files[i].backup);
		free(files[i].old_text);
		files[i].tmp = files[i].backup = files[i].old_text = NULL;
	}
	if (rc != 0) {
		if (made_mig)
			rmdir(made_mig);
		if (made_dir)
			rmdir(made_dir);
	}
	free(made_dir);
	free(made_mig);
	free(mig_dir);
	return rc;
}
