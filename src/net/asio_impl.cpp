// The one translation unit that compiles Boost.Asio's and Boost.Beast's implementation
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set for every target).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
