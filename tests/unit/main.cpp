// The Boost.Test runner, compiled once (single-header variant) for every unit test file.
#define BOOST_TEST_MODULE keyops unit tests
#include <boost/test/included/unit_test.hpp>
