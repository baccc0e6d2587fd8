#ifndef KEYOPS_SRC_HPP
#define KEYOPS_SRC_HPP

// Include this header in exactly one translation unit of a program that uses the keyops::headers
// target (or a plain -I): it compiles the parts of Boost that keyops needs and that are not
// header-only, Boost.JSON and Boost.URL. Programs that link Boost::json and Boost::url (the
// keyops::keyops target) must not include it.

#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

#endif
