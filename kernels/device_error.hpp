#pragma once
// Launchers report backend failures through this hook, defined in host/ (it throws
// fleetcap::error), so kernels/ needs none of host/'s headers.

#include <string>

namespace fleetcap {
[[noreturn]] void throw_device_error(const std::string& message);
}  // namespace fleetcap
