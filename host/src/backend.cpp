#include "fleetcap/backend.hpp"

#include <omp.h>

#include "fleetcap/error.hpp"
#include "kernels/cuda_device.hpp"

namespace fleetcap {

backend_choice parse_backend_choice(const std::string& text)
{
  if (text == "auto") {
    return backend_choice::automatic;
  }
  if (text == "cpu") {
    return backend_choice::cpu;
  }
  if (text == "cuda") {
    return backend_choice::cuda;
  }
  throw input_error("--backend: expected auto, cpu or cuda, got \"" + text + "\"");
}

const char* backend_name(backend_kind kind) { return kind == backend_kind::cuda ? "cuda" : "cpu"; }

backend_kind resolve_backend(backend_choice choice)
{
  if (choice == backend_choice::cpu) {
    return backend_kind::cpu;
  }
  const auto cuda = query_cuda_devices();
  const bool usable = cuda.backend_built && cuda.device_count > 0;
  if (choice == backend_choice::automatic) {
    return usable ? backend_kind::cuda : backend_kind::cpu;
  }
  if (!usable) {
    throw error("--backend cuda: no usable CUDA device (" + cuda.status + "); use --backend auto or cpu");
  }
  return backend_kind::cuda;
}

backend_report query_backends()
{
  const auto cuda = query_cuda_devices();
  backend_report r;
  r.cuda_built = cuda.backend_built;
  r.cuda_architectures = cuda.architectures;
  r.cuda_device_count = cuda.device_count;
  r.cuda_device_name = cuda.device_name;
  r.cuda_status = cuda.status;
  r.cpu_threads = omp_get_max_threads();
  return r;
}

}  // namespace fleetcap
