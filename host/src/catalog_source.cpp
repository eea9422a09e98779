// Catalogue sources: the copy built into the binary, a folder, and a folder laid over another
// source (--catalog DIR: files add to or replace the built-in ones by name, i.e. by id).

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

std::string base_name(const std::string& path)
{
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Every loader requires a file's id to be its name (specs/h20.json holds "h20"), so a file of
// the overlay replaces the base's file of the same name: the same id.
class overlay_source final : public catalog_source {
 public:
  overlay_source(std::unique_ptr<catalog_source> base, std::unique_ptr<catalog_source> top)
      : m_base(std::move(base)), m_top(std::move(top))
  {
  }

  std::vector<catalog_file> json_files(const std::string& folder) const override
  {
    std::vector<catalog_file> out = m_base->json_files(folder);
    for (auto& file : m_top->json_files(folder)) {
      const auto same = std::find_if(out.begin(), out.end(),
                                     [&](const catalog_file& f) { return base_name(f.name) == base_name(file.name); });
      if (same != out.end()) {
        *same = std::move(file);
      } else {
        out.push_back(std::move(file));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const catalog_file& a, const catalog_file& b) { return base_name(a.name) < base_name(b.name); });
    return out;
  }
  std::string describe() const override { return m_base->describe() + " + " + m_top->describe(); }

 private:
  std::unique_ptr<catalog_source> m_base;
  std::unique_ptr<catalog_source> m_top;
};

}  // namespace

std::unique_ptr<catalog_source> overlay_catalog(std::unique_ptr<catalog_source> base, const std::string& root)
{
  return std::make_unique<overlay_source>(std::move(base), directory_catalog(root));
}

std::unique_ptr<catalog_source> builtin_catalog() { return std::make_unique<builtin_source>(); }

std::unique_ptr<catalog_source> directory_catalog(const std::string& root)
{
  std::error_code ec;
  FC_EXPECTS(fs::is_directory(root, ec), root + ": --catalog: not a directory");
  return std::make_unique<directory_source>(fs::path(root));
}

}  // namespace fleetcap
