#include "fleetcap/error.hpp"

#include "kernels/device_error.hpp"

namespace fleetcap {

int exit_code_for(const std::exception& e)
{
  return dynamic_cast<const input_error*>(&e) != nullptr ? 2 : 1;
}

void throw_device_error(const std::string& message) { throw error(message); }

}  // namespace fleetcap
