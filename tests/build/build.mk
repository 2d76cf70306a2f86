# Checks of the build itself, run by `make check` (and so by distcheck):
# every data file is in a fragment and gets installed.
TESTS += tests/build/test_data_files.sh
EXTRA_DIST += tests/build/test_data_files.sh
