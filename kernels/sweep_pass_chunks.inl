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
  for (int p = 0; p < P; ++p) {
    plo[p] = L{} + l.predicate[p].low;
    phi[p] = L{} + l.predicate[p].high;
  }
  L low = s.low, low_at = s.low_at, high = s.high, high_at = s.high_at, sum = s.sum, check = s.check;
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
      L w;
      __builtin_memcpy(&w, h + j, sizeof w);
      c += w;
    }
    // The points not kept become +-infinity before the comparisons, off the loop-carried
    // chain: each running extreme then waits on one comparison and one select per chunk (masking
    // the comparison by k instead put a mask conversion on that chain, 2x slower).
    const L xl = k ? x : inf, xh = k ? x : -inf;
    const M lower = xl < low, higher = xh > high;
    low_at = lower ? at : low_at;
    low = lower ? xl : low;
    high_at = higher ? at : high_at;
    high = higher ? xh : high;
    sum = k ? sum + x : sum;
    kept = k ? kept + 1 : kept;
    for (int p = 0; p < P; ++p) {
      L a;
      __builtin_memcpy(&a, pm[p] + j, sizeof a);
      c += a;
      count[p] = ((a >= plo[p]) & (a <= phi[p]) & live) ? count[p] + 1 : count[p];
    }
    check += (L)((M)c & live);
  }
  s.low = low;
  s.low_at = low_at;
  s.high = high;
  s.high_at = high_at;
  s.sum = sum;
  s.check = check;
  s.kept = kept;
  for (int p = 0; p < P; ++p) {
    s.count[p] = count[p];
  }
}
