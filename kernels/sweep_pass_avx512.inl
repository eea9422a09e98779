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
// extremes' comparison-select chains).
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
  const __m512d one = _mm512_set1_pd(1.0), step = _mm512_set1_pd(8.0), stop = _mm512_set1_pd(static_cast<double>(end));
  const __m512d flo = _mm512_set1_pd(l.filter.low), fhi = _mm512_set1_pd(l.filter.high);
  // A filter range that keeps the points outside it (!=) flips its test.
  const __mmask8 negate = l.filter.inside == 0.0 ? 0xFF : 0;
  __m512d plo[P > 0 ? P : 1], phi[P > 0 ? P : 1];
  for (int p = 0; p < P; ++p) {
    plo[p] = _mm512_set1_pd(l.predicate[p].low);
    phi[p] = _mm512_set1_pd(l.predicate[p].high);
  }
  __m512d low = (__m512d)s.low, low_at = (__m512d)s.low_at, high = (__m512d)s.high, high_at = (__m512d)s.high_at;
  __m512d sum = (__m512d)s.sum, check = (__m512d)s.check;
  std::uint64_t kept = 0, count[P > 0 ? P : 1] = {};
  __m512d at = _mm512_add_pd(_mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_pd(static_cast<double>(j)));
  for (; j < end; j += 8, at = _mm512_add_pd(at, step)) {
    const __m512d x = _mm512_loadu_pd(v + j), y = _mm512_loadu_pd(f + j);
    const __mmask8 live = Tail ? _mm512_cmp_pd_mask(at, stop, _CMP_LT_OQ) : static_cast<__mmask8>(0xFF);
    const __mmask8 inside = _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(y, flo, _CMP_GE_OQ), y, fhi, _CMP_LE_OQ);
    const __mmask8 k = _kand_mask8(_kxor_mask8(inside, negate), live);
    __m512d c = _mm512_add_pd(x, y);
    if (H) {
      _mm512_storeu_pd(keep + j, _mm512_maskz_mov_pd(k, one));
      c = _mm512_add_pd(c, _mm512_loadu_pd(h + j));
    }
    // Strict comparisons among the kept points: a lane's extreme keeps its first index.
    const __mmask8 lower = _mm512_mask_cmp_pd_mask(k, x, low, _CMP_LT_OQ), higher = _mm512_mask_cmp_pd_mask(k, x, high, _CMP_GT_OQ);
    low_at = _mm512_mask_mov_pd(low_at, lower, at);
    low = _mm512_mask_mov_pd(low, lower, x);
    high_at = _mm512_mask_mov_pd(high_at, higher, at);
    high = _mm512_mask_mov_pd(high, higher, x);
    sum = _mm512_mask_add_pd(sum, k, sum, x);
    kept += static_cast<std::uint64_t>(__builtin_popcount(k));
    for (int p = 0; p < P; ++p) {
      const __m512d a = _mm512_loadu_pd(pm[p] + j);
      c = _mm512_add_pd(c, a);
      const __mmask8 in = _mm512_mask_cmp_pd_mask(_mm512_mask_cmp_pd_mask(live, a, plo[p], _CMP_GE_OQ), a, phi[p], _CMP_LE_OQ);
      count[p] += static_cast<std::uint64_t>(__builtin_popcount(in));
    }
    check = Tail ? _mm512_mask_add_pd(check, live, check, c) : _mm512_add_pd(check, c);
  }
  s.low = (sweep_lanes_8)low;
  s.low_at = (sweep_lanes_8)low_at;
  s.high = (sweep_lanes_8)high;
  s.high_at = (sweep_lanes_8)high_at;
  s.sum = (sweep_lanes_8)sum;
  s.check = (sweep_lanes_8)check;
  s.kept[0] += static_cast<long long>(kept);
  for (int p = 0; p < P; ++p) {
    s.count[p][0] += static_cast<long long>(count[p]);
  }
}
