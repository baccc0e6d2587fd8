// The Boost.Test runner of the integration tests: the client end to end against keyops-sim and
// against nginx, both on loopback, started by the scripts that run this binary.
#define BOOST_TEST_MODULE keyops integration tests
#include <boost/test/included/unit_test.hpp>
