// The keyops::compiled library (CMake) and keyops_compiled_dep (Meson): keyops' separately
// compiled part, for programs built with KEYOPS_SEPARATE_COMPILATION, which the library's users
// get from its interface. Boost.JSON and Boost.URL come from Boost's own libraries, or with
// KEYOPS_BOOST_HEADERS_ONLY from support/boost_compiled.cpp, compiled into the library beside this.

#include <keyops/impl/compiled.ipp>
