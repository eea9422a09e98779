#pragma once
// FC_HD marks functions compiled for both the host and the CUDA device. Under the host
// compiler (the CPU/OpenMP backend) it expands to nothing, so the same source is plain C++.
#if defined(__CUDACC__)
#define FC_HD __host__ __device__
#else
#define FC_HD
#endif

// FC_HOT_INLINE: a per-point function the sweep's inner loop must inline (GCC stops inlining
// the fold once it grows past its heuristics, and the accumulator then lives in memory: 3x
// slower on h20-design-space). Plain `inline` where neither compiler's spelling applies.
#if defined(__CUDACC__)
#define FC_HOT_INLINE __forceinline__
#elif defined(__GNUC__)
#define FC_HOT_INLINE inline __attribute__((always_inline))
#else
#define FC_HOT_INLINE inline
#endif
