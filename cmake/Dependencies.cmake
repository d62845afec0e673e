# Third-party libraries, all from Debian packages (see scripts/install-deps).
find_package(Threads REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(ZLIB REQUIRED)

find_path(CARES_INCLUDE_DIR ares.h REQUIRED)
find_library(CARES_LIBRARY NAMES cares REQUIRED)
add_library(lr_cares INTERFACE)
target_include_directories(lr_cares SYSTEM INTERFACE ${CARES_INCLUDE_DIR})
target_link_libraries(lr_cares INTERFACE ${CARES_LIBRARY})
if(LAMBDA_RELAY_STATIC)
  target_compile_definitions(lr_cares INTERFACE CARES_STATICLIB)
endif()

# TLS for https upstreams: mbedTLS, because OpenSSL 3's static libcrypto alone would make the static
# binary ~4 MB larger (Debian's archives are not built with -ffunction-sections; the provider tables
# reference every algorithm) and the release binary must stay under 4 MiB. mbedTLS adds ~0.9 MB.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
find_library(MBEDTLS_LIBRARY NAMES mbedtls REQUIRED)
find_library(MBEDX509_LIBRARY NAMES mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIBRARY NAMES mbedcrypto REQUIRED)
add_library(lr_mbedtls INTERFACE)
target_include_directories(lr_mbedtls SYSTEM INTERFACE ${MBEDTLS_INCLUDE_DIR})
target_link_libraries(lr_mbedtls INTERFACE ${MBEDTLS_LIBRARY} ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY} Threads::Threads)

# Brotli decoding of request bodies (Content-Encoding: br, which sentry-python sends when the brotli
# module is installed). Optional because its static dictionary alone is 122 KB of the binary.
add_library(lr_brotli INTERFACE)
if(LAMBDA_RELAY_BROTLI)
  find_path(BROTLI_INCLUDE_DIR brotli/decode.h REQUIRED)
  find_library(BROTLIDEC_LIBRARY NAMES brotlidec REQUIRED)
  find_library(BROTLICOMMON_LIBRARY NAMES brotlicommon REQUIRED)
  target_include_directories(lr_brotli SYSTEM INTERFACE ${BROTLI_INCLUDE_DIR})
  target_link_libraries(lr_brotli INTERFACE ${BROTLIDEC_LIBRARY} ${BROTLICOMMON_LIBRARY})
  target_compile_definitions(lr_brotli INTERFACE LAMBDA_RELAY_BROTLI=1)
endif()

# simdjson: Debian ships only a shared library, so we compile its single-file amalgamation taken from
# Debian's source package (scripts/install-deps puts it in .deps/simdjson).
set(LAMBDA_RELAY_SIMDJSON_DIR "${PROJECT_SOURCE_DIR}/.deps/simdjson" CACHE PATH "simdjson amalgamation")
if(NOT EXISTS "${LAMBDA_RELAY_SIMDJSON_DIR}/simdjson.cpp")
  message(FATAL_ERROR "simdjson source not found in ${LAMBDA_RELAY_SIMDJSON_DIR}: run scripts/install-deps")
endif()
add_library(lr_simdjson STATIC "${LAMBDA_RELAY_SIMDJSON_DIR}/simdjson.cpp")
target_include_directories(lr_simdjson SYSTEM PUBLIC "${LAMBDA_RELAY_SIMDJSON_DIR}")
# Only the haswell (AVX2: every x86_64 Lambda host) and fallback kernels: icelake and westmere cost
# ~70 KB of binary for a stage-1 speed-up worth ~1 % of decode time (stage 1 is ~8 % of it).
target_compile_definitions(lr_simdjson PUBLIC SIMDJSON_EXCEPTIONS=0 SIMDJSON_THREADS_ENABLED=0
                           SIMDJSON_IMPLEMENTATION_ICELAKE=0 SIMDJSON_IMPLEMENTATION_WESTMERE=0)
set_target_properties(lr_simdjson PROPERTIES POSITION_INDEPENDENT_CODE ON)

# {fmt} header-only: Debian has no static archive and the header-only build costs nothing at run time.
add_library(lr_fmt INTERFACE)
target_link_libraries(lr_fmt INTERFACE fmt::fmt-header-only)
# No locale-aware formatting ("{:L}" is never used): without this, fmt's std::locale lookup makes the
# static binary link every iostream facet of libstdc++, ~600 KB.
target_compile_definitions(lr_fmt INTERFACE FMT_STATIC_THOUSANDS_SEPARATOR=0)

# Boost.Asio and Boost.Beast with separate compilation: the heavy implementation is compiled once in
# src/net/asio_impl.cpp instead of in every translation unit.
add_library(lr_boost INTERFACE)
target_link_libraries(lr_boost INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(lr_boost INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_REGEX)
# (BOOST_BEAST_USE_STD_STRING_VIEW is not set: in Boost 1.81 it only prints a deprecation message;
# beast::string_view is boost::core::string_view, which converts to std::string_view.)

if(LAMBDA_RELAY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LAMBDA_RELAY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
