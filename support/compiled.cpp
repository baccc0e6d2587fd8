// The one translation unit of this build that compiles Boost.JSON, Boost.URL, Asio (with its SSL
// part) and Beast. Test binaries, tools and examples link it instead of each compiling them again.
#include <keyops/src.hpp>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
