#!/usr/bin/env bash
# Every C and C++ source of the tree follows the committed .clang-format:
# formatting it again changes nothing. Layout is then never a matter of
# review, and a diff shows only what changed.
#
# clang-format's output differs between its major versions, so the check
# runs with the version the project formats with (Debian 12's
# clang-format 14, installed by scripts/dev) and skips (77) without it.
# Fix a failure with: clang-format -i FILE.
# Environment (Makefile.am): TK_SRCDIR.
set -euo pipefail

: "${TK_SRCDIR:?TK_SRCDIR must name the source tree}"
cd -- "$TK_SRCDIR"

FORMAT_MAJOR=14
if ! command -v clang-format >/dev/null 2>&1; then
	echo "SKIP: clang-format is not installed"
	exit 77
fi
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$version" != "$FORMAT_MAJOR" ]; then
	echo "SKIP: clang-format $version is not the project's version $FORMAT_MAJOR"
	exit 77
fi

sources() {
	if [ -e .git ] && command -v git >/dev/null 2>&1; then
		git ls-files -- '*.c' '*.h' '*.cc'
	else
		find lib fcgi workers tools tests -name '*.c' -o -name '*.h' -o -name '*.cc' |
			LC_ALL=C sort
	fi
}

bad=0 seen=0
while IFS= read -r f; do
	seen=$((seen + 1))
	if ! clang-format --style=file "$f" | cmp -s - "$f"; then
		echo "FAIL: $f is not formatted (clang-format -i $f)"
		bad=$((bad + 1))
	fi
done < <(sources)

if [ "$seen" = 0 ]; then
	echo "FAIL: found no C sources under $TK_SRCDIR"
	exit 1
fi
echo "checked $seen sources, $bad not formatted"
[ "$bad" = 0 ]
