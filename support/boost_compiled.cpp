// Boost.JSON and Boost.URL alone, for a build with KEYOPS_BOOST_HEADERS_ONLY: compiled into the
// keyops::compiled library, and into keyops_boost_compiled for the programs of this build that
// link neither keyops_compiled nor keyops::compiled (the I/O-free core's programs: tests/noexcept,
// examples/10_curl_agent). Compiled with exceptions, whatever the programs that link it use.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
