#pragma once
// What every fuzz target shares: the bytes as text, a file name the loader's id check accepts,
// a catalogue held in memory, a file without a disk, and the built-in catalogue loaded once.
//
// A target catches fleetcap::input_error only: that is how every loader reports bad input.
// Anything else that leaves a loader (another exception, a crash, a sanitizer report, a hang)
// is a finding, so it is left to escape to libFuzzer.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap::fuzz {

inline std::string text_of(const std::uint8_t* data, std::size_t size)
{
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Loaders refuse an "id" that differs from the file's stem, which would stop the fuzzer at the
// first field of every mutated seed (the seeds come from many files). So the name is made from
// the input's own first "id" string when it has a plain one; a cheap scan, not a JSON parser,
// so that the harness cannot crash where the loader would not.
inline std::string name_from_id(const std::string& folder, const std::string& text, const std::string& suffix)
{
  std::string id = "fuzz";
  const auto key = text.find("\"id\"");
  if (key != std::string::npos) {
    std::size_t i = key + 4;
    auto skip_blanks = [&] {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
        ++i;
      }
    };
    skip_blanks();
    if (i < text.size() && text[i] == ':') {
      ++i;
      skip_blanks();
      if (i < text.size() && text[i] == '"') {
        const auto end = text.find('"', i + 1);
        const std::string value = end == std::string::npos ? std::string() : text.substr(i + 1, end - i - 1);
        bool plain = !value.empty() && value.size() <= 200;
        for (const char c : value) {
          plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != '\\';
        }
        if (plain) {
          id = value;
        }
      }
    }
  }
  return folder + "/" + id + suffix;
}

// A catalogue of given files; json_files(folder) returns those directly in the folder, as
// the built-in and directory catalogues do.
class memory_catalog final : public catalog_source {
 public:
  explicit memory_catalog(std::vector<catalog_file> files) : m_files(std::move(files)) {}

  std::vector<catalog_file> json_files(const std::string& folder) const override
  {
    std::vector<catalog_file> out;
    const std::string prefix = folder + "/";
    for (const auto& f : m_files) {
      if (f.name.rfind(prefix, 0) == 0 && f.name.find('/', prefix.size()) == std::string::npos) {
        out.push_back(f);
      }
    }
    return out;
  }
  std::string describe() const override { return "fuzz catalogue"; }

 private:
  std::vector<catalog_file> m_files;
};

// Loaders that take a path (run configs, sweep documents) read this in-memory file through
// /proc/self/fd/N: no disk traffic, and nothing is left behind. One per slot, reused.
class memory_file {
 public:
  memory_file()
  {
    m_fd = ::memfd_create("fleetcap-fuzz", 0);
    if (m_fd < 0) {
      std::abort();  // a harness failure, not a finding: stop loudly
    }
    m_path = "/proc/self/fd/" + std::to_string(m_fd);
  }
  ~memory_file() { ::close(m_fd); }
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;

  // Replaces the contents; returns the path to open.
  const std::string& write(const std::string& text)
  {
    if (::ftruncate(m_fd, 0) != 0 ||
        (!text.empty() && ::pwrite(m_fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))) {
      std::abort();
    }
    return m_path;
  }

 private:
  int m_fd = -1;
  std::string m_path;
};

// The built-in catalogue and its parts, loaded once: every target checks ids against them.
struct builtin {
  std::unique_ptr<catalog_source> catalog = builtin_catalog();
  std::vector<part_spec> parts = load_specs(*catalog);
};

inline const builtin& catalogue()
{
  static const builtin b;
  return b;
}

}  // namespace fleetcap::fuzz
