#pragma once
// The catalogue files compiled into the binary; the table is generated at build time by
// cmake/embed_catalog.cmake from specs/ and data/.

#include <cstddef>

namespace fleetcap::detail {

struct embedded_file {
  const char* path;  // relative to the source root, e.g. "specs/h20.json"
  const unsigned char* data;
  std::size_t size;
};

extern const embedded_file embedded_catalog_files[];
extern const std::size_t embedded_catalog_file_count;

}  // namespace fleetcap::detail
