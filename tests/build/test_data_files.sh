#!/usr/bin/env bash
# Every data file of the source tree is installed: each file under
# templates/, static/, sql/ and nginx/ is named in nobase_dist_pkgdata_DATA (so in
# some .mk fragment), and so is every template the programs open by name.
# A file left out of the fragments would be missing from `make install` and
# from the release tarball, and a service would fail on it at run time;
# `make distcheck` only notices the files the unit tests happen to read.
#
# The files checked are the tracked ones in a git checkout, and the ones
# present anywhere else (a distcheck tree holds what `make dist` shipped, so
# there the template names in the sources are what can still fail).
# Environment (Makefile.am): TK_SRCDIR, and TK_DATA_FILES, the value of
# $(nobase_dist_pkgdata_DATA).
set -euo pipefail

: "${TK_SRCDIR:?TK_SRCDIR must name the source tree}"
: "${TK_DATA_FILES:?TK_DATA_FILES must hold \$(nobase_dist_pkgdata_DATA)}"
cd -- "$TK_SRCDIR"

declare -A listed=()
for f in $TK_DATA_FILES; do
	listed[$f]=1
done

# The data files of the tree, one per line (not the .mk fragments there).
data_files() {
	if [ -e .git ] && command -v git >/dev/null 2>&1; then
		git ls-files -- templates static sql nginx
	else
		find templates static sql nginx -type f | LC_ALL=C sort
	fi | grep -v '\.mk$'
}

# The template names the programs open: the string literals ending in .tpl
# in the sources of lib/, fcgi/, workers/ and tools/, under templates/.
opened_templates() {
	find lib fcgi workers tools -name '*.c' -o -name '*.cc' |
		LC_ALL=C sort | xargs grep -ohE '"[A-Za-z0-9_./-]+\.tpl"' |
		tr -d '"' | LC_ALL=C sort -u | sed 's,^,templates/,'
}

# check_installed WHAT: each line of stdin names a file that must be in
# TK_DATA_FILES; WHAT says where the name came from.
missing=0 seen=0
check_installed() {
	local f
	while IFS= read -r f; do
		seen=$((seen + 1))
		if [ -z "${listed[$f]:-}" ]; then
			echo "FAIL: $f ($1) is in no .mk fragment's nobase_dist_pkgdata_DATA"
			missing=$((missing + 1))
		fi
	done
}
check_installed "a file of the tree" < <(data_files)
check_installed "a template the sources open" < <(opened_templates)

if [ "$seen" = 0 ]; then
	echo "FAIL: found no data files under $TK_SRCDIR"
	exit 1
fi
echo "checked $seen data files and template names, $missing not installed"
[ "$missing" = 0 ]
