#pragma once
// The CPU sweep's block fold (issue 11): a block of points is evaluated into one array per
// metric (or, for evaluators that opt in, only the metrics the scenario reads), then folded in
// one branch-free vector pass (sweep_block_pass): the filter and predicates as closed ranges,
// the kept points' sum and count, and their extremes with the first index of each, one set of
// accumulators per vector lane; then the histogram (sorted runs by bisection, else point by
// point). Results equal the point fold's: counts, minima and argmins exactly (each lane keeps
// its earliest extreme, lanes are combined by value then index, and blocks fold in index order,
// so ties never replace an earlier point), sums to rounding (another summation order). A block
// where a metric read is NaN or infinite is folded point by point, which names the point.

// Included by kernels/sweep.cuh, after the point fold and the input decoding it builds on.

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "kernels/fc_hd.cuh"
#include "kernels/sweep_types.hpp"

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__)
#include <immintrin.h>  // the 8-lane pass (below), outside the namespace
#endif

#if defined(_OPENMP) && !defined(__CUDACC__)
#define FC_PRAGMA(x) _Pragma(#x)
#define FC_SIMD_RUNS FC_PRAGMA(omp simd reduction(+ : rises, falls))
#else
#define FC_SIMD_RUNS
#endif

// Portable binaries with the host's vector width: GCC compiles the block loop three times
// (x86-64-v4, that is AVX-512 F/BW/CD/DQ/VL; AVX2; baseline x86-64 SSE2) and picks one at load
// time from the CPU's features (function multi-versioning, an ifunc), instead of -march=native.
// Other compilers build the baseline, and so does the sanitizer build: it tests correctness, not
// speed, and three clones of every evaluator's block loop tripled its longest compile (the CI
// runs it on every change).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define FC_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define FC_CPU_CLONES
#endif

// The block loop inlines everything it calls (the evaluator, the fold) into each of its clones,
// whatever the compiler's size heuristics say: GCC left training_evaluator::evaluate a call
// (3x slower), and a call from a clone runs the callee's baseline code.
#if defined(__GNUC__) && !defined(__CUDACC__)
#define FC_FLATTEN __attribute__((flatten))
#else
#define FC_FLATTEN
#endif

namespace fleetcap {

// A comparison `v op line` as a closed range: v is inside when low <= v <= high, and counts
// `inside` (1 or 0) there and `outside` elsewhere. v < L is v <= the largest double below L (no
// double lies between them), v > L likewise; != is == with the counts swapped. A NaN v or L is
// inside no range, so it satisfies != alone, as the comparison itself does. One form for all six
// operators lets the block pass test every predicate and the filter in one branch-free loop.
struct sweep_fold_range {
  double low;
  double high;
  double inside;
  double outside;
};

inline sweep_fold_range sweep_range_of(int op, double line)
{
  const double inf = HUGE_VAL;
  switch (op) {
    case static_cast<int>(sweep_op::less):
      return line > -inf ? sweep_fold_range{-inf, std::nextafter(line, -inf), 1.0, 0.0} : sweep_fold_range{inf, -inf, 1.0, 0.0};
    case static_cast<int>(sweep_op::less_equal): return {-inf, line, 1.0, 0.0};
    case static_cast<int>(sweep_op::greater):
      return line < inf ? sweep_fold_range{std::nextafter(line, inf), inf, 1.0, 0.0} : sweep_fold_range{inf, -inf, 1.0, 0.0};
    case static_cast<int>(sweep_op::greater_equal): return {line, inf, 1.0, 0.0};
    case static_cast<int>(sweep_op::not_equal): return {line, line, 0.0, 1.0};
    default: return {line, line, 1.0, 0.0};
  }
}

// The scenario's filter and predicates as ranges, made once per run of blocks (std::nextafter is
// a library call). Without a filter every point with a finite objective is inside.
struct sweep_fold_lines {
  int filter_metric;
  sweep_fold_range filter;
  sweep_fold_range predicate[sweep_max_predicates];
  // The arrays the pass adds to its finiteness check besides the objective's and the filter's:
  // bit 0 the histogram metric's, bit 1 + p predicate p's, each only where it is another metric
  // than every array added before it. A compliance map's histogram is its objective (TPP) and its
  // count is on its filter's indicator: two loads and two additions a chunk saved.
  unsigned recheck;
};

inline sweep_fold_lines sweep_fold_lines_of(const sweep_config& c)
{
  sweep_fold_lines l{};
  l.filter_metric = c.filter_metric >= 0 ? c.filter_metric : c.objective_metric;
  l.filter = c.filter_metric >= 0 ? sweep_range_of(c.filter_op, c.filter_value) : sweep_fold_range{-HUGE_VAL, HUGE_VAL, 1.0, 1.0};
  for (int p = 0; p < c.predicate_count; ++p) {
    l.predicate[p] = sweep_range_of(c.predicate_op[p], c.predicate_value[p]);
  }
  int added[2 + sweep_max_predicates] = {c.objective_metric, l.filter_metric};
  int n = 2;
  const auto add = [&](int metric, unsigned bit) {
    for (int i = 0; i < n; ++i) {
      if (added[i] == metric) {
        return;
      }
    }
    added[n++] = metric;
    l.recheck |= bit;
  };
  if (c.histogram_metric >= 0) {
    add(c.histogram_metric, 1u);
  }
  for (int p = 0; p < c.predicate_count; ++p) {
    add(c.predicate_metric[p], 2u << p);
  }
  return l;
}

// What one pass over a block finds: the kept points' extremes of the objective, their sum and
// count, each predicate's count, and whether every metric read was finite (see sweep_fold_point).
// Not where the extremes are: that is looked up (sweep_block_first_at) only for an extreme that
// replaces the running one. Tracking an index per lane cost three vector operations per chunk of
// every block; the search costs about one per chunk up to the point, where it runs (along a row
// where the metric rises, the running maximum moves in nearly every block).
struct sweep_block_pass_result {
  double low;
  double high;
  double sum;
  std::uint64_t kept;
  bool finite;
  std::uint64_t count[sweep_max_predicates];
};

// The pass runs on lanes: 8 doubles on a CPU with AVX-512 (x86-64-v4: one register, comparisons
// into mask registers; kernels/sweep_pass_avx512.inl, in intrinsics), else 4 in GCC's vector
// extension (one AVX2 register, or two SSE2 ones, in the clones of kernels/sweep_pass_chunks.inl).
// Other compilers fold blocks point by point.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__)
#define FC_SWEEP_LANES 1
typedef double sweep_lanes_4 __attribute__((vector_size(32)));
typedef double sweep_lanes_8 __attribute__((vector_size(64)));

// Each lane's accumulators: the kept points' extremes of the objective, their sum and count,
// the predicates' counts of points inside their ranges, and the sum of every metric read (finite
// unless one is NaN or infinite, or the sum overflows; either sends the block to the point fold).
template <class L>
struct sweep_pass_lanes {
  typedef decltype(L{} < L{}) mask;  // 64-bit lanes, all ones where true
  L low, high, sum, check;
  mask kept, count[sweep_max_predicates];
};

#include "kernels/sweep_pass_chunks.inl"
#include "kernels/sweep_pass_avx512.inl"

// Whether this CPU runs the 8-lane loop: the features of x86-64-v4 (AVX-512 F, BW, CD, DQ, VL).
inline bool sweep_cpu_has_8_lanes()
{
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512vl");
  return yes;
}

// The block's pass with W-lane vectors L: whole chunks, then the rest as one masked chunk (the
// metric arrays hold B >= n entries, B a multiple of 8), then the lanes combined.
template <class L, int P, bool H>
inline sweep_block_pass_result sweep_block_pass_with(const sweep_fold_lines& l, const double* v, const double* f,
                                                     const double* const* pm, const double* h, int n, double* keep)
{
  constexpr int W = sizeof(L) / sizeof(double);
  sweep_pass_lanes<L> s;
  // Lanes set and read one by one (subscripts): no vector arithmetic outside the loops.
  for (int q = 0; q < W; ++q) {
    s.low[q] = HUGE_VAL;
    s.high[q] = -HUGE_VAL;
    s.sum[q] = s.check[q] = 0.0;
    s.kept[q] = 0;
    for (auto& c : s.count) {
      c[q] = 0;
    }
  }
  const int whole = n - n % W;
  if constexpr (W == 8) {
    if (whole > 0) {
      sweep_pass_chunks_8<P, H, false>(s, l, v, f, pm, h, 0, whole, keep);
    }
    if (whole < n) {
      sweep_pass_chunks_8<P, H, true>(s, l, v, f, pm, h, whole, n, keep);
    }
  } else {
    if (whole > 0) {
      sweep_pass_chunks_4<P, H, false>(s, l, v, f, pm, h, 0, whole, keep);
    }
    if (whole < n) {
      sweep_pass_chunks_4<P, H, true>(s, l, v, f, pm, h, whole, n, keep);
    }
  }
  // Across lanes.
  sweep_block_pass_result r{HUGE_VAL, -HUGE_VAL, 0.0, 0, true, {0, 0, 0, 0}};
  double total_check = 0.0;
  for (int q = 0; q < W; ++q) {
    r.low = s.low[q] < r.low ? s.low[q] : r.low;
    r.high = s.high[q] > r.high ? s.high[q] : r.high;
    r.sum += s.sum[q];
    r.kept += static_cast<std::uint64_t>(s.kept[q]);
    total_check += s.check[q];
    for (int p = 0; p < P; ++p) {
      r.count[p] += static_cast<std::uint64_t>(s.count[p][q]);
    }
  }
  r.finite = total_check - total_check == 0.0;
  // A range that counts the points outside it (!=): the rest of the block.
  for (int p = 0; p < P; ++p) {
    if (l.predicate[p].inside == 0.0) {
      r.count[p] = static_cast<std::uint64_t>(n) - r.count[p];
    }
  }
  return r;
}

// Measured on training-grid minima (one thread, AMD EPYC with AVX-512, 328 M points, whole
// command): the loop per reduction and the index search it replaces 420 M points/s; one omp-simd
// loop with a vector search for the index 480 M; 4 lanes with the index kept per lane about
// 600 M; 8 lanes in the vector extension about 650 M (this CPU splits 512-bit operations in two:
// 8 lanes save instructions, not arithmetic), in intrinsics about 910 M (sweep_pass_avx512.inl),
// with the extremes' values only and their indices searched for afterwards about 980 M.
template <int P, bool H>
inline sweep_block_pass_result sweep_block_pass(const sweep_fold_lines& l, const double* v, const double* f, const double* const* pm,
                                                const double* h, int n, double* keep)
{
  return sweep_cpu_has_8_lanes() ? sweep_block_pass_with<sweep_lanes_8, P, H>(l, v, f, pm, h, n, keep)
                                 : sweep_block_pass_with<sweep_lanes_4, P, H>(l, v, f, pm, h, n, keep);
}

// Where the pass's extreme `value` is: the first point of the block, of n, that the filter keeps
// with v == value (there is one: value is the extreme of the kept points). The same point the
// point fold picks, whose strict comparisons keep the earliest of equal values, -0.0 and 0.0
// included. Values equal to it that the filter drops are stepped over.
inline int sweep_block_first_at(const sweep_fold_lines& l, const double* v, const double* f, int n, double value)
{
  const bool eight = sweep_cpu_has_8_lanes();
  for (int j = 0;; ++j) {
    j = eight ? sweep_first_equal_8(v, j, n, value) : sweep_first_equal_4(v, j, n, value);
    if (j == n || (f[j] >= l.filter.low && f[j] <= l.filter.high) == (l.filter.inside != 0.0)) {
      return j;
    }
  }
}
#endif

// The histogram and quantile bins of the kept points of a block, one point at a time: the point
// fold's sweep_fold_histogram for each. Used where sweep_fold_histogram_sorted does not apply.
// Two block-wise variants were measured slower on this machine (AMD EPYC, AVX-512, one thread,
// training-grid): block-local counts 82-109 M points/s against 90-129 M for this; every bin index
// in a vector loop (the quantile search as gathers) 40 % slower.
template <int B>
FC_HD FC_HOT_INLINE void sweep_fold_histogram_block(const sweep_config& c, const double* h, const double* keep, int n,
                                                    sweep_accumulator& a)
{
  for (int j = 0; j < n; ++j) {
    if (keep[j] != 0.0) {
      sweep_fold_histogram(c, h[j], a);
    }
  }
}

// In r[0..m), sorted ascending (up) or descending, where the points with key(r[i]) >= line
// start (ascending: they are a suffix) or end (descending: a prefix), for a key non-decreasing
// in the value: a bisection of [lo, hi), which the caller narrows as its lines rise. (A
// branch-free version, conditional moves and a fixed step count, measured 5-10 % slower on
// training-grid: neighbouring blocks cross their edges alike, so the branches predict well.)
template <class Key>
FC_HD FC_HOT_INLINE int sweep_sorted_boundary(const double* r, int lo, int hi, bool up, Key key, double line)
{
  while (lo < hi) {
    const int mid = (lo + hi) >> 1;
    if (up == (key(r[mid]) >= line)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// The same counts as sweep_fold_histogram_block, for the common block whose kept points are one
// run, sorted (a grid's innermost axis is often monotone in the metric: days in the parameter
// count, say): then each class or quantile edge the run crosses is found by bisection, a few
// comparisons per edge instead of a search and a scattered increment per point. Returns false,
// having changed nothing, where the block is not such a run. Measured on training-grid (one
// thread, AVX-512): 151-163 M points/s with the per-point fold, 187-243 M with this.
template <int B>
FC_HD FC_HOT_INLINE bool sweep_fold_histogram_sorted(const sweep_config& c, const double* h, const double* keep, int n,
                                                     std::uint64_t kept, sweep_accumulator& a)
{
  // The kept points are one run when the first and last kept are kept - 1 apart; the run is
  // sorted when its steps do not both rise and fall.
  const int m = static_cast<int>(kept);
  int f = 0, l = n - 1;
  while (keep[f] == 0.0) {
    ++f;
  }
  while (keep[l] == 0.0) {
    --l;
  }
  if (l - f + 1 != m) {
    return false;
  }
  const double* r = h + f;
  double rises = 0.0, falls = 0.0;
  FC_SIMD_RUNS for (int j = 1; j < m; ++j)
  {
    rises += r[j] > r[j - 1] ? 1.0 : 0.0;
    falls += r[j] < r[j - 1] ? 1.0 : 0.0;
  }
  if (rises != 0.0 && falls != 0.0) {
    return false;
  }
  const bool up = falls == 0.0;
  const double lo = up ? r[0] : r[m - 1], hi = up ? r[m - 1] : r[0];
  a.histogram_min = lo < a.histogram_min ? lo : a.histogram_min;
  a.histogram_max = hi > a.histogram_max ? hi : a.histogram_max;
  // Counts at or above each class boundary the run crosses, differenced into bins.
  // (Each boundary narrows the next search: ascending, the next suffix starts no earlier;
  // descending, the next prefix ends no later.)
  const auto as_class = [&c](double x) { return static_cast<double>(sweep_histogram_class(c, x)); };
  const int cls_lo = sweep_histogram_class(c, lo), cls_hi = sweep_histogram_class(c, hi);
  int above = m, b_lo = 0, b_hi = m;
  for (int k = cls_lo + 1; k <= cls_hi; ++k) {
    const int b = sweep_sorted_boundary(r, b_lo, b_hi, up, as_class, static_cast<double>(k));
    const int at_least = up ? m - b : b;
    (up ? b_lo : b_hi) = b;
    sweep_add_to_class(c, k - 1, static_cast<std::uint64_t>(above - at_least), a);
    above = at_least;
  }
  sweep_add_to_class(c, cls_hi, static_cast<std::uint64_t>(above), a);
  // Quantile bin k holds edge[k-1] <= v < edge[k]: the same differencing over the edges.
  const auto as_value = [](double x) { return x; };
  const int q_lo = sweep_quantile_bin(c, lo), q_hi = sweep_quantile_bin(c, hi);
  above = m;
  b_lo = 0;
  b_hi = m;
  for (int k = q_lo + 1; k <= q_hi; ++k) {
    const int b = sweep_sorted_boundary(r, b_lo, b_hi, up, as_value, c.quantile_edges[k - 1]);
    const int at_least = up ? m - b : b;
    (up ? b_lo : b_hi) = b;
    a.quantile_bins[k - 1] += static_cast<std::uint64_t>(above - at_least);
    above = at_least;
  }
  a.quantile_bins[q_hi] += static_cast<std::uint64_t>(above);
  return true;
}

#if defined(FC_SWEEP_LANES)
// The pass for the scenario's predicate count, chosen once per block.
template <bool H>
inline sweep_block_pass_result sweep_block_pass_for(int predicates, const sweep_fold_lines& l, const double* v, const double* f,
                                                    const double* const* pm, const double* h, int n, double* keep)
{
  switch (predicates) {
    case 0: return sweep_block_pass<0, H>(l, v, f, pm, h, n, keep);
    case 1: return sweep_block_pass<1, H>(l, v, f, pm, h, n, keep);
    case 2: return sweep_block_pass<2, H>(l, v, f, pm, h, n, keep);
    case 3: return sweep_block_pass<3, H>(l, v, f, pm, h, n, keep);
    default: return sweep_block_pass<4, H>(l, v, f, pm, h, n, keep);
  }
}
#endif

// Folds points first .. first + n - 1, whose metric k is mb[k * B + j] (for the checked metrics,
// the only ones read), into `a`: one pass over the block (sweep_block_pass) for the counts, the
// extremes and the sum, the first index of an extreme that replaces the running one, then the
// histogram's sorted-run or per-point fold. A block where some
// metric read is NaN or infinite is folded point by point, which names the first such point.
template <int B>
FC_HOT_INLINE void sweep_fold_block(const sweep_config& c, const sweep_fold_lines& l, const double* mb, int n,
                                    std::uint64_t first, sweep_accumulator& a)
{
#if defined(FC_SWEEP_LANES)
  static_assert(B % 8 == 0, "the pass reads whole chunks of lanes");
  const double* v = mb + c.objective_metric * B;
  const double* f = mb + l.filter_metric * B;
  const double* pm[sweep_max_predicates];
  for (int p = 0; p < sweep_max_predicates; ++p) {
    pm[p] = mb + (p < c.predicate_count ? c.predicate_metric[p] : 0) * B;
  }
  const bool histogram = c.histogram_metric >= 0;
  const double* h = mb + (histogram ? c.histogram_metric : 0) * B;
  double keep[B];
  const sweep_block_pass_result r = histogram ? sweep_block_pass_for<true>(c.predicate_count, l, v, f, pm, h, n, keep)
                                              : sweep_block_pass_for<false>(c.predicate_count, l, v, f, pm, h, n, keep);
  if (r.finite) {
    a.points += static_cast<std::uint64_t>(n);
    for (int p = 0; p < c.predicate_count; ++p) {
      a.predicate[p] += r.count[p];
    }
    if (r.kept == 0) {
      return;
    }
    const bool first_valid = a.valid == 0;
    a.valid += r.kept;
    a.sum += r.sum;
    // Blocks come in index order: a tie with the running best keeps the earlier point. The
    // point's own value is kept (a -0.0 that ties 0.0 stays -0.0).
    const double best = c.objective_max ? r.high : r.low, worst = c.objective_max ? r.low : r.high;
    if (first_valid || (c.objective_max ? best > a.best : best < a.best)) {
      const int at = sweep_block_first_at(l, v, f, n, best);
      a.best = v[at];
      a.best_index = first + static_cast<std::uint64_t>(at);
    }
    if (first_valid || (c.objective_max ? worst < a.worst : worst > a.worst)) {
      const int at = sweep_block_first_at(l, v, f, n, worst);
      a.worst = v[at];
      a.worst_index = first + static_cast<std::uint64_t>(at);
    }
    if (histogram && !sweep_fold_histogram_sorted<B>(c, h, keep, n, r.kept, a)) {
      sweep_fold_histogram_block<B>(c, h, keep, n, a);
    }
    return;
  }
#else
  (void)l;
#endif
  // The metrics the point fold reads: the checked ones (a metric pass writes no others).
  double m[sweep_max_metrics];
  for (int j = 0; j < n; ++j) {
    for (int q = 0; q < c.checked_count; ++q) {
      const int k = c.checked_metric[q];
      m[k] = mb[k * B + j];
    }
    sweep_fold_point(c, m, first + static_cast<std::uint64_t>(j), a);
  }
}

// The same, making the ranges itself (tests; the block loop makes them once per run).
template <int B>
inline void sweep_fold_block(const sweep_config& c, const double* mb, int n, std::uint64_t first, sweep_accumulator& a)
{
  sweep_fold_block<B>(c, sweep_fold_lines_of(c), mb, n, first, a);
}

// Evaluates points j0 .. j0 + nb - 1 of a row into mb (metric k of point j at mb[k * B + j], for
// the metrics K: all of them, or one for a metric pass).
// Slot S, the innermost axis's input, is a template parameter: with a constant index the
// compiler keeps the other inputs in registers and can vectorise the evaluator across points;
// with a run-time index x[] stays in memory and each point is evaluated alone.
template <class E, int B, int S, int... I, int... K>
FC_HOT_INLINE void sweep_evaluate_block(const sweep_config& __restrict__ c, const double* x, const double* inner, int nb,
                                        double* __restrict__ mb, std::integer_sequence<int, I...>,
                                        std::integer_sequence<int, K...>)
{
  // The copies are written without loops (index packs), so nothing but the evaluator is left
  // inside the point loop for the vectoriser to see: small copy loops there stop it ("loop nest
  // containing two or more consecutive inner loops").
  // No omp simd here: it turns xl and m into per-lane arrays, which GCC 12 then fails to
  // vectorise ("no vectype"); the plain loop vectorises (checked with -fopt-info-vec).
  const double row[sizeof...(I)] = {x[I]...};
  for (int j = 0; j < nb; ++j) {
    const double xl[sizeof...(I)] = {(I == S ? inner[j] : row[I])...};
    double m[sweep_max_metrics];
    E::evaluate(c, xl, m);
    ((mb[K * B + j] = m[K]), ...);
  }
}

// One pass over the block per metric the reductions read (the scenario's checked metrics), for
// evaluators that declare metric_passes: where the evaluator is a few multiplications a point,
// writing every metric costs more than evaluating again (training: 8 doubles a point written,
// bound by the stores).
template <class E, int B, int S, int... K>
FC_HOT_INLINE void sweep_evaluate_metrics(const sweep_config& c, const double* x, const double* inner, int nb, double* mb,
                                          std::integer_sequence<int, K...>)
{
  for (int q = 0; q < c.checked_count; ++q) {
    const int k = c.checked_metric[q];
    // The block loop with metric K alone: the compiler drops whatever only the others need.
    ((k == K ? (sweep_evaluate_block<E, B, S>(c, x, inner, nb, mb, std::make_integer_sequence<int, sweep_max_inputs>{},
                                              std::integer_sequence<int, K>{}),
                0)
             : 0),
     ...);
  }
}

template <class E, class = void>
struct sweep_has_metric_passes : std::false_type {};
template <class E>
struct sweep_has_metric_passes<E, std::void_t<decltype(E::metric_passes)>> : std::integral_constant<bool, E::metric_passes> {};

// Whether a block of E is evaluated a metric at a time: E opts in and the reductions read at
// most half its metrics.
template <class E>
FC_HOT_INLINE bool sweep_by_metric(const sweep_config& c)
{
  return sweep_has_metric_passes<E>::value && 2 * c.checked_count <= static_cast<int>(E::metrics.size());
}

template <class E, int B, int S>
FC_HOT_INLINE void sweep_evaluate_block_for(const sweep_config& c, const double* x, const double* inner, int nb, double* mb)
{
  constexpr int metrics = static_cast<int>(E::metrics.size());
  if constexpr (sweep_has_metric_passes<E>::value) {
    if (sweep_by_metric<E>(c)) {
      sweep_evaluate_metrics<E, B, S>(c, x, inner, nb, mb, std::make_integer_sequence<int, metrics>{});
      return;
    }
  }
  sweep_evaluate_block<E, B, S>(c, x, inner, nb, mb, std::make_integer_sequence<int, sweep_max_inputs>{},
                                std::make_integer_sequence<int, metrics>{});
}

template <class E, int B, int... S>
FC_HOT_INLINE void sweep_evaluate_block_at(int slot, const sweep_config& c, const double* x, const double* inner, int nb, double* mb,
                                    std::integer_sequence<int, S...>)
{
  // One branch taken: the instantiation for this slot; the engine's own slots (the sample and
  // placeholder axes, rows of one point or Monte Carlo runs without draws) take the generic loop.
  const bool done = ((slot == S ? (sweep_evaluate_block_for<E, B, S>(c, x, inner, nb, mb), true) : false) || ...);
  if (!done) {
    constexpr int metrics = static_cast<int>(E::metrics.size());
    double xl[sweep_max_inputs];
    double m[sweep_max_metrics];
    for (int i = 0; i < sweep_max_inputs; ++i) {
      xl[i] = x[i];
    }
    for (int j = 0; j < nb; ++j) {
      xl[slot] = inner[j];
      E::evaluate(c, xl, m);
      for (int k = 0; k < metrics; ++k) {
        mb[k * B + j] = m[k];
      }
    }
  }
}

// The input slots an evaluator's innermost axis can be: its declared inputs, or for one whose
// inputs are made per scenario (capacity: one per listed part, at most 12) the first 12. Each is
// compiled separately, so this bounds the build time.
template <class E>
constexpr int sweep_vector_slots()
{
  return E::inputs.size() > 0 ? static_cast<int>(E::inputs.size()) : 12;
}

// The CPU path of sweep_row_block (Block > 1): rows in blocks of B points, each evaluated into
// arrays and folded by sweep_fold_block.
template <class E, int B>
FC_CPU_CLONES FC_FLATTEN sweep_accumulator sweep_rows_in_blocks(const sweep_config& c, const double* values, std::uint64_t first,
                                                     std::uint64_t count)
{
  constexpr int metrics = static_cast<int>(E::metrics.size());
  sweep_accumulator a = sweep_empty(c.objective_max);
  double x[sweep_max_inputs];
  double m[sweep_max_metrics];
  // Not cleared as a whole: 16 KB a work item cost 1.5 % of training-grid minima. The pass reads
  // whole chunks of 8 and masks what lies past a short block; those entries are cleared below.
  double mb[metrics * B];
  const int inner = c.axis_count - 1;
  const int slot = c.axis_input[inner];
  const std::uint64_t n = c.axis_size[inner];
  const double* inner_values = values + c.axis_offset[inner];
  const sweep_fold_lines lines = sweep_fold_lines_of(c);
  for (std::uint64_t row = first; row < first + count; ++row) {
    sweep_row_inputs(c, values, row, x);
    for (std::uint64_t j0 = 0; j0 < n; j0 += B) {
      const int nb = n - j0 < static_cast<std::uint64_t>(B) ? static_cast<int>(n - j0) : B;
      if (c.has_distributions) {
        // Draws change inputs per point: evaluated one at a time.
        for (int j = 0; j < nb; ++j) {
          x[slot] = inner_values[j0 + static_cast<std::uint64_t>(j)];
          sweep_apply_draws(c, x);
          E::evaluate(c, x, m);
          for (int k = 0; k < metrics; ++k) {
            mb[k * B + j] = m[k];
          }
        }
      } else {
        sweep_evaluate_block_at<E, B>(slot, c, x, inner_values + j0, nb, mb, std::make_integer_sequence<int, sweep_vector_slots<E>()>{});
      }
      for (int k = 0; k < metrics; ++k) {
        for (int j = nb; j % 8 != 0; ++j) {
          mb[k * B + j] = 0.0;
        }
      }
      sweep_fold_block<B>(c, lines, mb, nb, row * n + j0, a);
    }
  }
  return a;
}

}  // namespace fleetcap
