#pragma once
// The one way a command writes a file (--out, --rows): all or nothing.

#include <fstream>
#include <ostream>
#include <string>

namespace fleetcap::cli {

// A file that appears under its name only when committed. It is written to a temporary name
// unique to this process and object beside the target (so two runs writing the same --out never
// share one), renamed over the target by commit() (rename is atomic on POSIX, so a reader sees
// the old file or the whole new one), and removed if the object dies uncommitted: on an
// exception, or on SIGINT, SIGTERM or SIGHUP, whose handler unlinks every live temporary name
// before the signal takes its default course.
class output_file {
 public:
  // Opens the temporary file now, so an unwritable target fails before any work is done.
  // @throws input_error naming the path when its folder is missing or it cannot be created.
  explicit output_file(std::string path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  std::ostream& stream() { return m_stream; }
  const std::string& path() const { return m_path; }

  // Flushes, closes and renames the temporary file over the target.
  // @throws error if a write or the rename failed (the temporary file is removed).
  void commit();

 private:
  void discard();

  std::string m_path;
  std::string m_temp;
  std::ofstream m_stream;
  int m_slot = -1;
  bool m_done = false;
};

}  // namespace fleetcap::cli
