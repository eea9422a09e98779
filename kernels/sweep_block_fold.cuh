#pragma once
// The CPU sweep's block fold (issue 11): a block of points is evaluated into one array per
// metric, and each reduction then runs as its own loop over the block, branch-free where the
// scalar fold (sweep_fold_point) branches per point: predicate operators are switched once per
// block, not per point; the filter becomes a 0/1 mask; min, max, sum and counts are masked
// vector reductions (omp simd), and only a block that improves the best or worst value looks
// for its first index. Results equal the point fold's: counts, minima and argmins exactly
// (blocks fold in index order, so the first index reaching a block's extreme is the lowest;
// ties never replace an earlier point), sums to rounding (another summation order). A block
// holding a non-finite checked metric is folded point by point, which names the point.

// Included by kernels/sweep.cuh, after the point fold and the input decoding it builds on.

#include <cstdint>
#include <utility>

#include "kernels/fc_hd.cuh"
#include "kernels/sweep_types.hpp"

#if defined(_OPENMP) && !defined(__CUDACC__)
#define FC_PRAGMA(x) _Pragma(#x)
#define FC_SIMD_MINMAX_SUM FC_PRAGMA(omp simd reduction(min : lo) reduction(max : hi) reduction(+ : sum) reduction(+ : kept))
#define FC_SIMD_SUM(var) FC_PRAGMA(omp simd reduction(+ : var))
#define FC_SIMD_RUNS FC_PRAGMA(omp simd reduction(+ : rises, falls))
#else
#define FC_SIMD_RUNS
#define FC_SIMD_MINMAX_SUM
#define FC_SIMD_SUM(var)
#endif

// Portable binaries with the host's vector width: GCC compiles the block loop three times (AVX-512,
// AVX2, baseline x86-64 SSE2) and picks one at load time from the CPU's features (function
// multi-versioning, an ifunc), instead of -march=native. Other compilers build the baseline, and
// so does the sanitizer build: it tests correctness, not speed, and three clones of every
// evaluator's block loop tripled its longest compile (the CI runs it on every change).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define FC_CPU_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
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

// How many of v[0..n) satisfy `v op line`; the operator is chosen once for the block.
FC_HD FC_HOT_INLINE std::uint64_t sweep_count_block(const double* v, int n, int op, double line)
{
  double count = 0.0;  // a double sum vectorises where a mixed int/double one does not; exact below 2^53
  switch (op) {
    case static_cast<int>(sweep_op::less): FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] < line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::less_equal): FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] <= line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::greater): FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] > line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::greater_equal): FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] >= line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::not_equal): FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] != line ? 1.0 : 0.0; break;
    default: FC_SIMD_SUM(count) for (int j = 0; j < n; ++j) count += v[j] == line ? 1.0 : 0.0; break;
  }
  return static_cast<std::uint64_t>(count);
}

// keep[j] = 1.0 where the filter holds, else 0.0.
FC_HD FC_HOT_INLINE void sweep_mask_block(const double* v, int n, int op, double line, double* keep)
{
  switch (op) {
    case static_cast<int>(sweep_op::less): for (int j = 0; j < n; ++j) keep[j] = v[j] < line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::less_equal): for (int j = 0; j < n; ++j) keep[j] = v[j] <= line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::greater): for (int j = 0; j < n; ++j) keep[j] = v[j] > line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::greater_equal): for (int j = 0; j < n; ++j) keep[j] = v[j] >= line ? 1.0 : 0.0; break;
    case static_cast<int>(sweep_op::not_equal): for (int j = 0; j < n; ++j) keep[j] = v[j] != line ? 1.0 : 0.0; break;
    default: for (int j = 0; j < n; ++j) keep[j] = v[j] == line ? 1.0 : 0.0; break;
  }
}

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

// Folds points first .. first + n - 1, whose metric k (of `metrics`) is mb[k * B + j], into `a`.
// Inlined into each vector-width clone of sweep_rows_in_blocks (a call would run the baseline).
template <int B>
FC_HD FC_HOT_INLINE void sweep_fold_block(const sweep_config& c, const double* mb, int metrics, int n, std::uint64_t first,
                                   sweep_accumulator& a)
{
  // Non-finite check: the sum of x * 0 over the checked metrics (see sweep_fold_point).
  double zero = 0.0;
  for (int k = 0; k < c.checked_count; ++k) {
    const double* m = mb + c.checked_metric[k] * B;
    FC_SIMD_SUM(zero) for (int j = 0; j < n; ++j) zero += m[j] * 0.0;
  }
  if (zero != 0.0) {
    double m[sweep_max_metrics];
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < metrics; ++k) {
        m[k] = mb[k * B + j];
      }
      sweep_fold_point(c, m, first + static_cast<std::uint64_t>(j), a);
    }
    return;
  }
  a.points += static_cast<std::uint64_t>(n);
  for (int p = 0; p < c.predicate_count; ++p) {
    a.predicate[p] += sweep_count_block(mb + c.predicate_metric[p] * B, n, c.predicate_op[p], c.predicate_value[p]);
  }
  double keep[B];
  if (c.filter_metric >= 0) {
    sweep_mask_block(mb + c.filter_metric * B, n, c.filter_op, c.filter_value, keep);
  } else {
    for (int j = 0; j < n; ++j) {
      keep[j] = 1.0;
    }
  }
  // The objective in the direction of a minimum: s v is exact (a sign flip).
  const double* v = mb + c.objective_metric * B;
  const double s = c.objective_max ? -1.0 : 1.0;
  double lo = 1.0 / 0.0, hi = -1.0 / 0.0, sum = 0.0, kept = 0.0;
  FC_SIMD_MINMAX_SUM for (int j = 0; j < n; ++j)
  {
    const double w = s * v[j];
    const bool k = keep[j] != 0.0;
    lo = k && w < lo ? w : lo;
    hi = k && w > hi ? w : hi;
    sum += k ? v[j] : 0.0;
    kept += keep[j];
  }
  if (kept == 0.0) {
    return;
  }
  const bool first_valid = a.valid == 0;
  a.valid += static_cast<std::uint64_t>(kept);
  a.sum += sum;
  // Blocks come in index order: a tie with the running best keeps the earlier point.
  if (first_valid || lo < s * a.best) {
    int j = 0;
    while (!(keep[j] != 0.0 && s * v[j] == lo)) {
      ++j;
    }
    a.best = v[j];
    a.best_index = first + static_cast<std::uint64_t>(j);
  }
  if (first_valid || hi > s * a.worst) {
    int j = 0;
    while (!(keep[j] != 0.0 && s * v[j] == hi)) {
      ++j;
    }
    a.worst = v[j];
    a.worst_index = first + static_cast<std::uint64_t>(j);
  }
  if (c.histogram_metric >= 0) {
    const double* h = mb + c.histogram_metric * B;
    if (!sweep_fold_histogram_sorted<B>(c, h, keep, n, static_cast<std::uint64_t>(kept), a)) {
      sweep_fold_histogram_block<B>(c, h, keep, n, a);
    }
  }
}

// Evaluates points j0 .. j0 + nb - 1 of a row into mb (metric k of point j at mb[k * B + j]).
// Slot S, the innermost axis's input, is a template parameter: with a constant index the
// compiler keeps the other inputs in registers and can vectorise the evaluator across points;
// with a run-time index x[] stays in memory and each point is evaluated alone.
template <class E, int B, int S, int... I, int... K>
FC_HOT_INLINE void sweep_evaluate_block(const sweep_config& c, const double* x, const double* inner, int nb,
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

template <class E, int B, int... S>
FC_HOT_INLINE void sweep_evaluate_block_at(int slot, const sweep_config& c, const double* x, const double* inner, int nb, double* mb,
                                    std::integer_sequence<int, S...>)
{
  // One branch taken: the instantiation for this slot; the engine's own slots (the sample and
  // placeholder axes, rows of one point or Monte Carlo runs without draws) take the generic loop.
  const bool done = ((slot == S ? (sweep_evaluate_block<E, B, S>(c, x, inner, nb, mb,
                                                                 std::make_integer_sequence<int, sweep_max_inputs>{},
                                                                 std::make_integer_sequence<int, static_cast<int>(E::metrics.size())>{}),
                                   true)
                                : false) ||
                     ...);
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
  double mb[metrics * B];
  const int inner = c.axis_count - 1;
  const int slot = c.axis_input[inner];
  const std::uint64_t n = c.axis_size[inner];
  const double* inner_values = values + c.axis_offset[inner];
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
      sweep_fold_block<B>(c, mb, metrics, nb, row * n + j0, a);
    }
  }
  return a;
}

}  // namespace fleetcap
