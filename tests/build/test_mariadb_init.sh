#!/usr/bin/env bash
# scripts/mariadb-init works on a root where no host name can be looked up
# (no /etc/hosts: minimal containers, chroots). The test hides /etc/hosts
# behind an empty file in a mount namespace of its own, first shows that
# plain mariadb-install-db fails there (so the fault took effect), then
# that scripts/mariadb-init succeeds there. Skips (77) without root,
# unshare or mariadb-install-db. Environment (Makefile.am): TK_SRCDIR.
set -euo pipefail

: "${TK_SRCDIR:?TK_SRCDIR must name the source tree}"
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
	! command -v mariadb-install-db >/dev/null; then
	echo "needs root, unshare and mariadb-install-db (skipped)"
	exit 77
fi
if ! unshare -m true 2>/dev/null; then
	echo "cannot make a mount namespace here (skipped)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tk-dbinit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# without_hosts CMD...: CMD with an empty /etc/hosts.
without_hosts() {
	unshare -m sh -c 'mount --bind /dev/null /etc/hosts && exec "$@"' sh "$@"
}

failed=0
rc=0
without_hosts mariadb-install-db --no-defaults --user=root --datadir="$tmp/plain" \
	--auth-root-authentication-method=socket --skip-test-db >"$tmp/plain.log" 2>&1 || rc=$?
if [ "$rc" != 0 ] && grep -q "could be looked up" "$tmp/plain.log"; then
	echo "ok - without /etc/hosts plain mariadb-install-db fails on the host name look-up"
else
	echo "FAIL - plain mariadb-install-db did not fail on the look-up (exit $rc): the test proves nothing"
	failed=1
fi

rc=0
without_hosts "$TK_SRCDIR/scripts/mariadb-init" "$tmp/data" >"$tmp/init.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && [ -d "$tmp/data/mysql" ]; then
	echo "ok - without /etc/hosts scripts/mariadb-init makes the data directory"
else
	echo "FAIL - scripts/mariadb-init failed without /etc/hosts (exit $rc):"
	tail -n 20 "$tmp/init.log"
	failed=1
fi

echo "$((2 - failed)) passed, $failed failed"
exit "$failed"
