// Catalogue sources: the copy built into the binary and a folder given with --catalog.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detail/embedded_catalog.hpp"
#include "fleetcap/catalog.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap {

namespace {

namespace fs = std::filesystem;

bool has_json_extension(const std::string& name)
{
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
}

class builtin_source final : public catalog_source {
 public:
  std::vector<catalog_file> json_files(const std::string& folder) const override
  {
    const std::string prefix = folder + "/";
    std::vector<catalog_file> out;
    for (std::size_t i = 0; i < detail::embedded_catalog_file_count; ++i) {
      const auto& f = detail::embedded_catalog_files[i];
      const std::string path = f.path;
      // Only files directly in the folder, as with a directory catalogue.
      if (path.rfind(prefix, 0) == 0 && path.find('/', prefix.size()) == std::string::npos &&
          has_json_extension(path) && path.find("schema") == std::string::npos) {
        out.push_back({path, std::string(reinterpret_cast<const char*>(f.data), f.size)});
      }
    }
    std::sort(out.begin(), out.end(),
              [](const catalog_file& a, const catalog_file& b) { return a.name < b.name; });
    return out;
  }
  std::string describe() const override { return "built-in catalogue"; }
};

class directory_source final : public catalog_source {
 public:
  explicit directory_source(fs::path root) : m_root(std::move(root)) {}

  std::vector<catalog_file> json_files(const std::string& folder) const override
  {
    std::vector<catalog_file> out;
    const fs::path dir = m_root / folder;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return out;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || !has_json_extension(name) || name.find("schema") != std::string::npos) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      FC_EXPECTS(in.good(), entry.path().string() + ": cannot be read");
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back({entry.path().string(), text.str()});
    }
    std::sort(out.begin(), out.end(),
              [](const catalog_file& a, const catalog_file& b) { return a.name < b.name; });
    return out;
  }
  std::string describe() const override { return "catalogue at " + m_root.string(); }

 private:
  fs::path m_root;
};

}  // namespace

std::unique_ptr<catalog_source> builtin_catalog() { return std::make_unique<builtin_source>(); }

std::unique_ptr<catalog_source> directory_catalog(const std::string& root)
{
  std::error_code ec;
  FC_EXPECTS(fs::is_directory(root, ec), root + ": --catalog: not a directory");
  return std::make_unique<directory_source>(fs::path(root));
}

}  // namespace fleetcap
