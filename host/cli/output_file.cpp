#include "output_file.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "fleetcap/error.hpp"

namespace fleetcap::cli {

namespace {

// Live temporary names, read by the signal handler. A handler may only touch lock-free atomics
// and call async-signal-safe functions (POSIX.1-2017 sec. 2.4.3): unlink, signal and raise are.
// The strings themselves belong to the output_file objects and outlive their slot.
constexpr int slot_count = 16;
std::array<std::atomic<const char*>, slot_count> live_temps{};
std::atomic<unsigned> temp_counter{0};

extern "C" void remove_temps_and_reraise(int sig)
{
  for (auto& slot : live_temps) {
    if (const char* name = slot.load()) {
      ::unlink(name);
    }
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_handlers_once()
{
  static const bool installed = [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction action {};
      struct sigaction previous {};
      sigaction(sig, nullptr, &previous);
      if (previous.sa_handler == SIG_IGN) {
        continue;  // e.g. started under nohup: keep ignoring what the caller chose to ignore
      }
      action.sa_handler = remove_temps_and_reraise;
      sigemptyset(&action.sa_mask);
      sigaction(sig, &action, nullptr);
    }
    return true;
  }();
  (void)installed;
}

int claim_slot(const char* name)
{
  for (int i = 0; i < slot_count; ++i) {
    const char* expected = nullptr;
    if (live_temps[static_cast<std::size_t>(i)].compare_exchange_strong(expected, name)) {
      return i;
    }
  }
  return -1;  // more live files than slots: still written and cleaned on exceptions, not on signals
}

}  // namespace

output_file::output_file(std::string path) : m_path(std::move(path))
{
  FC_EXPECTS(!m_path.empty(), "an output file name is empty");
  const std::filesystem::path target(m_path);
  const auto folder = target.parent_path();
  std::error_code ec;
  FC_EXPECTS(folder.empty() || std::filesystem::is_directory(folder, ec),
             m_path + ": cannot be written (folder " + folder.string() + " does not exist)");
  FC_EXPECTS(!std::filesystem::is_directory(target, ec), m_path + ": cannot be written (it is a folder)");
  m_temp = m_path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(temp_counter.fetch_add(1));
  install_handlers_once();
  m_slot = claim_slot(m_temp.c_str());
  m_stream.open(m_temp, std::ios::binary | std::ios::trunc);
  if (!m_stream.is_open()) {
    const std::string why = std::strerror(errno);
    discard();
    throw input_error(m_path + ": cannot be written (" + why + ")");
  }
}

output_file::~output_file()
{
  if (!m_done) {
    discard();
  }
}

void output_file::discard()
{
  m_done = true;
  if (m_stream.is_open()) {
    m_stream.close();
  }
  ::unlink(m_temp.c_str());
  if (m_slot >= 0) {
    live_temps[static_cast<std::size_t>(m_slot)].store(nullptr);
    m_slot = -1;
  }
}

void output_file::commit()
{
  m_stream.flush();
  const bool written = m_stream.good();
  m_stream.close();
  if (!written || m_stream.fail()) {
    discard();
    throw error(m_path + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(m_temp, m_path, ec);
  if (ec) {
    discard();
    throw error(m_path + ": cannot be written (" + ec.message() + ")");
  }
  m_done = true;
  if (m_slot >= 0) {
    live_temps[static_cast<std::size_t>(m_slot)].store(nullptr);
    m_slot = -1;
  }
}

}  // namespace fleetcap::cli
