#ifndef KEYOPS_IMPL_COMPILED_IPP
#define KEYOPS_IMPL_COMPILED_IPP

// Everything keyops compiles once with KEYOPS_SEPARATE_COMPILATION: included by <keyops/src.hpp>
// and by the source of the keyops::compiled library, in one translation unit of the program.

#ifndef KEYOPS_SEPARATE_COMPILATION
#error "keyops: impl/compiled.ipp is compiled only with KEYOPS_SEPARATE_COMPILATION"
#endif

#include <keyops/impl/any_client.ipp>

#endif
