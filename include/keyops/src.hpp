#ifndef KEYOPS_SRC_HPP
#define KEYOPS_SRC_HPP

// Include this header in exactly one translation unit of a program built with a plain -I (or
// the keyops::headers target): it compiles the parts of Boost that keyops needs and that are not
// header-only, Boost.JSON and Boost.URL, and, when the program is built with
// KEYOPS_SEPARATE_COMPILATION, keyops' own compiled part (keyops::any_client with its transport,
// TLS, call and wait machines and parsers; see any_client.hpp). Programs that link Boost::json
// and Boost::url (the keyops::keyops target) must not include it; with CMake, link
// keyops::compiled instead for separate compilation.

#ifdef KEYOPS_SEPARATE_COMPILATION
#include <keyops/impl/compiled.ipp>
#endif

#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

#endif
