// Throughput of the TPP / PD kernel (parts per second) on each backend built in. A benchmark,
// not a test: it prints numbers and never fails on time.
//
// Napkin math: a part is 11 multiply-compares over 96 bytes in and 24 out, so the CPU bound
// is memory bandwidth (~10 GB/s on 2 cores -> ~80 M parts/s); an H100 at ~3 TB/s would reach
// ~2.5e10 parts/s once the data is on the device (this launcher also copies it there and back).

#include <benchmark/benchmark.h>

#include "fleetcap/backend.hpp"
#include "fleetcap/part_metrics.hpp"
#include "kernels/tpp_reference.hpp"

namespace {

using namespace fleetcap;

void run_backend(benchmark::State& state, backend_kind backend)
{
  const auto parts = test::random_parts(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    auto out = evaluate_figures(backend, parts);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["parts_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

void bm_tpp_cpu(benchmark::State& state) { run_backend(state, backend_kind::cpu); }
void bm_tpp_cuda(benchmark::State& state) { run_backend(state, backend_kind::cuda); }

void bm_tpp_reference_loop(benchmark::State& state)
{
  const auto parts = test::random_parts(static_cast<std::size_t>(state.range(0)), 1);
  std::vector<part_metrics> out(parts.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      out[i] = test::reference_part_metrics(parts[i]);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["parts_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv)
{
  const auto b = query_backends();
  benchmark::AddCustomContext("fleetcap_build_type", FLEETCAP_BUILD_TYPE);
  benchmark::AddCustomContext("cpu_threads", std::to_string(b.cpu_threads));
  benchmark::AddCustomContext("cuda_device", b.cuda_device_count > 0 ? b.cuda_device_name : "none");
  benchmark::RegisterBenchmark("tpp/reference_loop", bm_tpp_reference_loop)->Arg(1 << 20)->UseRealTime();
  benchmark::RegisterBenchmark("tpp/cpu", bm_tpp_cpu)->Arg(1 << 10)->Arg(1 << 20)->UseRealTime();
  if (b.cuda_built && b.cuda_device_count > 0) {
    benchmark::RegisterBenchmark("tpp/cuda", bm_tpp_cuda)->Arg(1 << 10)->Arg(1 << 20)->Arg(1 << 24)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
