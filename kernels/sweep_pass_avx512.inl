// The block pass's loop for 8 lanes (kernels/sweep_block_fold.cuh), in AVX-512 intrinsics: the
// same reductions as kernels/sweep_pass_chunks.inl, which GCC's vector extension cannot express
// as tightly. Comparisons go straight into mask registers and take a mask (a predicate's count
// only among live points, an extreme only among kept points) at no cost; each count is a
// population count of a mask, on the integer units, where the vector form spent a blend and a
// subtraction on the vector units, which bound this loop. Measured on training-grid minima with
// 10x the parameter axis (328 M points, one thread, AMD EPYC with AVX-512, whole command, best of
// 5): the vector-extension loop 0.39 s, this one 0.35-0.36 s. Two variants were no faster: the
// counts as masked subtractions on the vector units (mean of 7 runs 0.385 s against 0.362 s),
// and two sets of running extremes for alternate chunks (0.36 s: the loop is not bound by the
// extremes' comparison-select chains). Keeping the extremes' values only (a masked minimum and
// maximum; the index is searched for afterwards, sweep_first_equal_8) instead of a comparison and
// two selects each plus an index vector: 0.335 s, mean of 7 (0.359 s before).
//
// Points j .. end - 1 (whole chunks of 8; Tail: one chunk, masked past `end`) into s, for P
// predicates, writing each point's filter result (1 or 0) to keep[] where the histogram needs it
// (H). The counts are kept as integers here and added to lane 0 of s's counts, which the caller
// sums over lanes.
template <int P, bool H, bool Tail>
__attribute__((target("arch=x86-64-v4"), noinline)) void sweep_pass_chunks_8(sweep_pass_lanes<sweep_lanes_8>& s,
                                                                              const sweep_fold_lines& l, const double* v,
                                                                              const double* f, const double* const* pm,
                                                                              const double* h, int j, int end, double* keep)
{
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d flo = _mm512_set1_pd(l.filter.low), fhi = _mm512_set1_pd(l.filter.high);
  // A filter range that keeps the points outside it (!=) flips its test.
  const __mmask8 negate = l.filter.inside == 0.0 ? 0xFF : 0;
  __m512d plo[P > 0 ? P : 1], phi[P > 0 ? P : 1];
  // Copied out of l and pm: the stores to keep[] could alias them, so GCC reloaded them per chunk.
  const double* pa[P > 0 ? P : 1];
  bool recheck_p[P > 0 ? P : 1];
  const bool recheck_h = (l.recheck & 1u) != 0;
  for (int p = 0; p < P; ++p) {
    plo[p] = _mm512_set1_pd(l.predicate[p].low);
    phi[p] = _mm512_set1_pd(l.predicate[p].high);
    pa[p] = pm[p];
    recheck_p[p] = (l.recheck & (2u << p)) != 0;
  }
  __m512d low = (__m512d)s.low, high = (__m512d)s.high, sum = (__m512d)s.sum, check = (__m512d)s.check;
  std::uint64_t kept = 0, count[P > 0 ? P : 1] = {};
  // The tail's live lanes: those before `end`.
  const __mmask8 live = Tail ? static_cast<__mmask8>((1u << (end - j)) - 1u) : static_cast<__mmask8>(0xFF);
  for (; j < end; j += 8) {
    const __m512d x = _mm512_loadu_pd(v + j), y = _mm512_loadu_pd(f + j);
    const __mmask8 inside = _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(y, flo, _CMP_GE_OQ), y, fhi, _CMP_LE_OQ);
    const __mmask8 k = _kand_mask8(_kxor_mask8(inside, negate), live);
    __m512d c = _mm512_add_pd(x, y);
    if (H) {
      _mm512_storeu_pd(keep + j, _mm512_maskz_mov_pd(k, one));
      if (recheck_h) {
        c = _mm512_add_pd(c, _mm512_loadu_pd(h + j));
      }
    }
    // The kept points' extremes, values only: one masked minimum and one maximum (x is finite
    // wherever the block is folded here: the check below sends other blocks to the point fold).
    low = _mm512_mask_min_pd(low, k, x, low);
    high = _mm512_mask_max_pd(high, k, x, high);
    sum = _mm512_mask_add_pd(sum, k, sum, x);
    kept += static_cast<std::uint64_t>(__builtin_popcount(k));
    for (int p = 0; p < P; ++p) {
      const __m512d a = _mm512_loadu_pd(pa[p] + j);
      if (recheck_p[p]) {
        c = _mm512_add_pd(c, a);
      }
      const __mmask8 in = _mm512_mask_cmp_pd_mask(_mm512_mask_cmp_pd_mask(live, a, plo[p], _CMP_GE_OQ), a, phi[p], _CMP_LE_OQ);
      count[p] += static_cast<std::uint64_t>(__builtin_popcount(in));
    }
    check = Tail ? _mm512_mask_add_pd(check, live, check, c) : _mm512_add_pd(check, c);
  }
  s.low = (sweep_lanes_8)low;
  s.high = (sweep_lanes_8)high;
  s.sum = (sweep_lanes_8)sum;
  s.check = (sweep_lanes_8)check;
  s.kept[0] += static_cast<long long>(kept);
  for (int p = 0; p < P; ++p) {
    s.count[p][0] += static_cast<long long>(count[p]);
  }
}

// The first j in [from, n) with v[j] == value, else n: one comparison into a mask per 8 points,
// 32 points per step (one test of the four masks joined, one branch). Measured on training-grid
// minima, where the running maximum of days rises in almost every block of a row and sits at the
// end of its kept run, so nearly every block is searched whole: 8 points per step took 7.5 % of
// the command's time, 32 points 4.5-5.5 %.
// Reads whole chunks of 8 from the one that holds `from`, none past the one that holds n - 1
// (the block's arrays hold B entries, a multiple of 8), and reports no entry before `from` or
// from n on.
__attribute__((target("arch=x86-64-v4"), noinline)) inline int sweep_first_equal_8(const double* v, int from, int n, double value)
{
  const __m512d want = _mm512_set1_pd(value);
  const int chunks_end = (n + 7) & ~7;
  int j = from & ~7;
  std::uint64_t ahead = ~std::uint64_t{0} << (from - j);
  for (; j + 32 <= chunks_end; j += 32, ahead = ~std::uint64_t{0}) {
    const __mmask8 h0 = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + j), want, _CMP_EQ_OQ),
                   h1 = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + j + 8), want, _CMP_EQ_OQ),
                   h2 = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + j + 16), want, _CMP_EQ_OQ),
                   h3 = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + j + 24), want, _CMP_EQ_OQ);
    if (_kortestz_mask8_u8(_kor_mask8(h0, h1), _kor_mask8(h2, h3)) != 0) {
      continue;
    }
    const std::uint64_t found = (std::uint64_t{h0} | std::uint64_t{h1} << 8 | std::uint64_t{h2} << 16 | std::uint64_t{h3} << 24) & ahead;
    if (found != 0) {
      const int at = j + __builtin_ctzll(found);
      return at < n ? at : n;
    }
  }
  for (; j < chunks_end; j += 8, ahead = ~std::uint64_t{0}) {
    const std::uint64_t found = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + j), want, _CMP_EQ_OQ) & ahead;
    if (found != 0) {
      const int at = j + __builtin_ctzll(found);
      return at < n ? at : n;
    }
  }
  return n;
}
