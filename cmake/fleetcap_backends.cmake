# Backend detection.
#  - Thrust for the CPU backend: CCCL from the CUDA toolkit when present, else Debian's
#    libthrust-dev (Thrust 1.17 + libcub-dev). Either compiles the kernels as C++/OpenMP.
#  - The CUDA backend: when FLEETCAP_CUDA is ON and nvcc is found. Default architectures
#    sm_80 and sm_90 SASS plus compute_90 PTX, overridable with CMAKE_CUDA_ARCHITECTURES.

set(FLEETCAP_CUDA_ROOT "/usr/local/cuda" CACHE PATH "CUDA toolkit root")

find_path(FLEETCAP_THRUST_INCLUDE_DIR thrust/version.h
  HINTS "${FLEETCAP_CUDA_ROOT}/include/cccl" "${FLEETCAP_CUDA_ROOT}/include"
  PATHS /usr/include
  DOC "Folder holding thrust/ (CCCL or Debian libthrust-dev)")
if(NOT FLEETCAP_THRUST_INCLUDE_DIR)
  message(FATAL_ERROR "Thrust not found: install the CUDA toolkit or Debian's libthrust-dev and libcub-dev "
                      "(scripts/install-deps does this)")
endif()
message(STATUS "fleetcap: Thrust headers for the CPU backend in ${FLEETCAP_THRUST_INCLUDE_DIR}")

# Marks sources as the CPU compilation of a kernel: Thrust's OpenMP device system.
function(fleetcap_add_thrust_cpu_sources target)
  set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES
    COMPILE_DEFINITIONS "THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_OMP;THRUST_HOST_SYSTEM=THRUST_HOST_SYSTEM_CPP")
  target_include_directories(${target} SYSTEM PRIVATE "${FLEETCAP_THRUST_INCLUDE_DIR}")
endfunction()

set(FLEETCAP_HAVE_CUDA OFF)
if(FLEETCAP_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS "${FLEETCAP_CUDA_ROOT}/bin/nvcc")
    set(CMAKE_CUDA_COMPILER "${FLEETCAP_CUDA_ROOT}/bin/nvcc")
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
    endif()
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
    find_package(CUDAToolkit REQUIRED)
    set(FLEETCAP_HAVE_CUDA ON)
    message(STATUS "fleetcap: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES})")
  else()
    message(STATUS "fleetcap: nvcc not found, building the CPU backend only")
  endif()
else()
  message(STATUS "fleetcap: CUDA backend OFF (FLEETCAP_CUDA=OFF)")
endif()
