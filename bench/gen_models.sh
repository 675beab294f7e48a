#!/usr/bin/env bash
# Writes N annotated model structs (10 columns each, every kind of annotation,
# doc comments) into DIR, 100 structs per header.
#
# usage: gen_models.sh N DIR [VARIANT]
# VARIANT (default 0) changes every table (a renamed column, a new column, a
# changed default) so that `modelgen diff` between variants touches them all.
set -euo pipefail
n=$1 dir=$2 variant=${3:-0}
mkdir -p "$dir"
rm -f "$dir"/bench_*.h
per_file=100
for ((f = 0; f * per_file < n; f++)); do
	printf -v out "%s/bench_%04d.h" "$dir" "$f"
	{
		echo "#include <stdbool.h>"
		echo "#include <stdint.h>"
		echo "#include <time.h>"
		echo "#include <modelgen/model.h>"
		echo
		for ((i = f * per_file; i < (f + 1) * per_file && i < n; i++)); do
			printf -v t "t%05d" "$i"
			printf -v prev "t%05d" $((i - 1))
			echo "/** Bench table $i. */"
			echo "struct MG_TABLE(\"$t\") MG_INDEX_ON(\"name, created_at\") $t {"
			echo "	int64_t id MG_PRIMARY_KEY;"
			echo "	char name[65] MG_UNIQUE; /**< display name */"
			echo "	char *email MG_NULLABLE MG_INDEX;"
			if [ "$variant" = 0 ]; then
				echo "	bool active MG_DEFAULT(\"false\");"
				echo "	double score;"
			else
				echo "	bool active MG_DEFAULT(\"true\");"
				echo "	double rating MG_RENAMED_FROM(\"score\");"
			fi
			echo "	int32_t rank MG_DEFAULT(\"0\");"
			echo "	time_t created_at;"
			if ((i > 0)); then
				echo "	int64_t parent_id MG_NULLABLE MG_REFERENCES(\"$prev\", \"id\") MG_ON_DELETE(\"set null\");"
			else
				echo "	int64_t parent_id MG_NULLABLE;"
			fi
			echo "	char *note MG_NULLABLE MG_COLUMN(\"remark\");"
			echo "	int16_t flags MG_DEFAULT(\"0\");"
			if [ "$variant" != 0 ]; then
				echo "	char *extra MG_NULLABLE;"
			fi
			echo "	void *cache MG_IGNORE;"
			echo "};"
			echo
		done
	} > "$out"
done
