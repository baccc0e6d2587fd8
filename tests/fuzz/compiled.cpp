// Boost.JSON and Boost.URL for the fuzzers, compiled once by scripts/fuzz with the fuzzers'
// instrumentation and sanitizers. The harnesses need no Asio, Beast or OpenSSL.
#include <keyops/src.hpp>
