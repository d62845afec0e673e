# Warnings as errors everywhere; sanitizers and static linking as options.
add_library(lr_warnings INTERFACE)
target_compile_options(lr_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wimplicit-fallthrough)
# GCC 12 false positive on coroutine frames (awaitable_frame_base's class-specific operator new/delete)
# once inlining is on (-O1 and up): https://gcc.gnu.org/PR109224
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(lr_warnings INTERFACE -Wno-mismatched-new-delete)
endif()

if(LAMBDA_RELAY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

if(LAMBDA_RELAY_STATIC)
  # Everything static: the binary must run on any Amazon Linux (glibc 2.26 and newer) and in an
  # empty chroot. DNS goes through c-ares, never through glibc's NSS.
  add_link_options(-static -static-libgcc -static-libstdc++)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()

if(CMAKE_BUILD_TYPE STREQUAL "Release")
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -s)
endif()
