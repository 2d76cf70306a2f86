# Checks of the build itself, run by `make check` (and so by distcheck):
# every data file is in a fragment and gets installed, and every C source
# is formatted.
TESTS += tests/build/test_data_files.sh
EXTRA_DIST += tests/build/test_data_files.sh

# Every C source follows the committed .clang-format (skips without
# clang-format 14).
TESTS += tests/build/test_format.sh
EXTRA_DIST += tests/build/test_format.sh

# scripts/mariadb-init (the local stack's MariaDB set-up) works on a root
# without /etc/hosts (skips without root and unshare).
TESTS += tests/build/test_mariadb_init.sh
EXTRA_DIST += tests/build/test_mariadb_init.sh scripts/mariadb-init
