// The block pass's loop (kernels/sweep_block_fold.cuh) in GCC's vector extension, for 4 lanes
// (8 lanes: kernels/sweep_pass_avx512.inl). GCC lowers vector operations per function, for that
// function's target and before inlining, so the loop is the body of the function that carries
// the target attributes, not a helper it calls (that would be lowered for the baseline, lane by
// lane). Clones: AVX2 and baseline x86-64 (SSE2: each vector is two registers).
//
// Points j .. end - 1 (whole chunks of lanes; Tail: one chunk, masked past `end`) into s, for P
// predicates, writing each point's filter result (1 or 0) to keep[] where the histogram needs it
// (H). One loop for every reduction: the metrics are read once and the accumulators are
// independent vectors, so their adds overlap.
template <int P, bool H, bool Tail>
__attribute__((target_clones("avx2", "default"), noinline)) void sweep_pass_chunks_4(sweep_pass_lanes<sweep_lanes_4>& s,
                                                                                  const sweep_fold_lines& l, const double* v,
                                                                                  const double* f, const double* const* pm,
                                                                                  const double* h, int j, int end, double* keep)
{
  typedef sweep_lanes_4 L;
  typedef decltype(L{} < L{}) M;
  constexpr int W = sizeof(L) / sizeof(double);
  const L inf = L{} + HUGE_VAL, one = L{} + 1.0, flo = L{} + l.filter.low, fhi = L{} + l.filter.high, stop = L{} + end;
  const M negate = l.filter.inside == 0.0 ? M{} - 1 : M{};
  L plo[P > 0 ? P : 1], phi[P > 0 ? P : 1];
  // Copied out of l and pm: the stores to keep[] could alias them, so GCC reloaded them per chunk.
  const double* pa[P > 0 ? P : 1];
  bool recheck_p[P > 0 ? P : 1];
  const bool recheck_h = (l.recheck & 1u) != 0;
  for (int p = 0; p < P; ++p) {
    plo[p] = L{} + l.predicate[p].low;
    phi[p] = L{} + l.predicate[p].high;
    pa[p] = pm[p];
    recheck_p[p] = (l.recheck & (2u << p)) != 0;
  }
  L low = s.low, high = s.high, sum = s.sum, check = s.check;
  M kept = s.kept, count[P > 0 ? P : 1];
  for (int p = 0; p < P; ++p) {
    count[p] = s.count[p];
  }
  L at;
  for (int q = 0; q < W; ++q) {
    at[q] = q + j;
  }
  for (; j < end; j += W, at += W) {
    L x, y;
    __builtin_memcpy(&x, v + j, sizeof x);
    __builtin_memcpy(&y, f + j, sizeof y);
    const M live = Tail ? at < stop : M{} - 1;
    const M k = (((y >= flo) & (y <= fhi)) ^ negate) & live;
    L c = x + y;
    if (H) {
      const L kd = (L)(k & (M)one);
      __builtin_memcpy(keep + j, &kd, sizeof kd);
      if (recheck_h) {
        L w;
        __builtin_memcpy(&w, h + j, sizeof w);
        c += w;
      }
    }
    // The kept points' extremes, values only. The points not kept become +-infinity before the
    // comparisons, off the loop-carried chain: each running extreme then waits on one comparison
    // and one select per chunk (masking the comparison by k instead put a mask conversion on that
    // chain, 2x slower).
    const L xl = k ? x : inf, xh = k ? x : -inf;
    low = xl < low ? xl : low;
    high = xh > high ? xh : high;
    sum = k ? sum + x : sum;
    kept = k ? kept + 1 : kept;
    for (int p = 0; p < P; ++p) {
      L a;
      __builtin_memcpy(&a, pa[p] + j, sizeof a);
      if (recheck_p[p]) {
        c += a;
      }
      count[p] = ((a >= plo[p]) & (a <= phi[p]) & live) ? count[p] + 1 : count[p];
    }
    check += (L)((M)c & live);
  }
  s.low = low;
  s.high = high;
  s.sum = sum;
  s.check = check;
  s.kept = kept;
  for (int p = 0; p < P; ++p) {
    s.count[p] = count[p];
  }
}

// The first j in [from, n) with v[j] == value, else n: one vector comparison per chunk. Reads
// whole chunks from the one that holds `from` (the block's arrays hold B entries, a multiple of
// 8), and reports no entry before `from` or past n.
__attribute__((target_clones("avx2", "default"), noinline)) inline int sweep_first_equal_4(const double* v, int from, int n,
                                                                                          double value)
{
  typedef sweep_lanes_4 L;
  constexpr int W = sizeof(L) / sizeof(double);
  const L want = L{} + value;
  for (int j = from - from % W; j < n; j += W) {
    L x;
    __builtin_memcpy(&x, v + j, sizeof x);
    const auto hit = x == want;
    if ((hit[0] | hit[1] | hit[2] | hit[3]) != 0) {
      for (int q = j < from ? from - j : 0; q < W && j + q < n; ++q) {
        if (hit[q] != 0) {
          return j + q;
        }
      }
    }
  }
  return n;
}
