#pragma once
// FC_HD marks functions compiled for both the host and the CUDA device. Under the host
// compiler (the CPU/OpenMP backend) it expands to nothing, so the same source is plain C++.
#if defined(__CUDACC__)
#define FC_HD __host__ __device__
#else
#define FC_HD
#endif
