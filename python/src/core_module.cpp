// fleetcap._core: the Python module's native half. Two entry points onto the same library as
// the command line, so a notebook and the CLI give the same numbers from the same code:
//   run(args)             any command with its options, returning the command's output text;
//   sweep_points(...)     every point of a small sweep grid as NumPy arrays (no copies: each
//                         array owns the buffer the library filled).
// The GIL is released while the library works. Bad input raises _core.InputError, run-time
// failures _core.Error; fleetcap/__init__.py turns them into fleetcap.InputError / Error.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/sweep.hpp"

namespace nb = nanobind;

namespace {

using double_array = nb::ndarray<nb::numpy, double, nb::ndim<1>>;
using index_array = nb::ndarray<nb::numpy, std::int64_t, nb::ndim<1>>;

// A NumPy array over a buffer it owns (freed when the array is collected).
template <typename T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> owned_array(std::unique_ptr<T[]> data, std::size_t n)
{
  T* raw = data.release();
  nb::capsule owner(raw, [](void* p) noexcept { delete[] static_cast<T*>(p); });
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(raw, {n}, owner);
}

std::string run(const std::vector<std::string>& args)
{
  std::ostringstream out;
  {
    nb::gil_scoped_release release;
    fleetcap::cli::run_or_throw(args, out);
  }
  return out.str();
}

// The filled columns of sweep_points, built without the GIL.
struct grid_columns {
  std::string id;
  std::vector<std::string> axis_names;
  std::vector<std::vector<std::string>> axis_labels;  // empty for a numeric axis
  std::vector<std::unique_ptr<double[]>> axis_values;  // numeric axes
  std::vector<std::unique_ptr<std::int64_t[]>> axis_codes;  // labelled axes (index into labels)
  std::vector<std::string> metric_names;
  std::vector<std::unique_ptr<double[]>> metrics;
  std::size_t points = 0;
  std::vector<std::string> substitutes;
};

grid_columns fill_grid(const std::string& scenario, const std::vector<std::string>& catalog_dirs,
                       std::uint64_t max_points)
{
  fleetcap::cli::global_options options;
  options.catalog_dirs = catalog_dirs;
  std::ostringstream unused;
  fleetcap::cli::context ctx(options, unused);
  const auto plan = fleetcap::load_scenario(scenario, ctx.catalog(), ctx.parts());
  FC_EXPECTS(plan.total_points <= max_points, "sweep_points: the grid of " + plan.origin + " has " +
                                                  std::to_string(plan.total_points) + " points, over max_points " +
                                                  std::to_string(max_points) + " (run sweep() for its reductions)");
  grid_columns g;
  g.id = plan.id;
  g.points = static_cast<std::size_t>(plan.total_points);
  g.substitutes = plan.substitutes;
  std::vector<const fleetcap::sweep_axis*> named;
  for (const auto& a : plan.axes) {
    if (a.name.empty()) {
      continue;  // an axis of one value the engine adds (no coordinate to report)
    }
    named.push_back(&a);
    g.axis_names.push_back(a.name);
    g.axis_labels.push_back(a.labels);
    if (a.labels.empty()) {
      g.axis_values.emplace_back(new double[g.points]);
      g.axis_codes.emplace_back();
    } else {
      g.axis_values.emplace_back();
      g.axis_codes.emplace_back(new std::int64_t[g.points]);
    }
  }
  g.metric_names = plan.metric_names;
  for (std::size_t m = 0; m < plan.metric_names.size(); ++m) {
    g.metrics.emplace_back(new double[g.points]);
  }
  fleetcap::sweep_each_point(plan, [&](std::uint64_t index, const double* metrics) {
    const auto coords = fleetcap::sweep_point_coordinates(plan, index);
    for (std::size_t a = 0; a < named.size(); ++a) {
      const auto& v = coords.at(named[a]->name);
      if (g.axis_codes[a]) {
        const auto& labels = named[a]->labels;
        const auto at = std::find(labels.begin(), labels.end(), v.get<std::string>());
        g.axis_codes[a][index] = static_cast<std::int64_t>(at - labels.begin());
      } else {
        g.axis_values[a][index] = v.get<double>();
      }
    }
    for (std::size_t m = 0; m < plan.metric_names.size(); ++m) {
      // As the CLI's --rows: a metric that is not finite is an input outside the formulas'
      // range, never a NaN handed to the caller as if it were a number.
      FC_EXPECTS(std::isfinite(metrics[m]), plan.origin + ": metric \"" + plan.metric_names[m] +
                                                "\" is not a finite number at point " + coords.dump() +
                                                ": an input is outside what the formulas can represent");
      g.metrics[m][index] = metrics[m];
    }
  });
  return g;
}

nb::dict sweep_points(const std::string& scenario, const std::vector<std::string>& catalog_dirs,
                      std::uint64_t max_points)
{
  grid_columns g;
  {
    nb::gil_scoped_release release;
    g = fill_grid(scenario, catalog_dirs, max_points);
  }
  nb::dict result;
  result["scenario"] = g.id;
  result["points"] = g.points;
  nb::list axes;
  for (std::size_t a = 0; a < g.axis_names.size(); ++a) {
    nb::dict axis;
    axis["name"] = g.axis_names[a];
    if (g.axis_codes[a]) {
      axis["codes"] = owned_array(std::move(g.axis_codes[a]), g.points);
      axis["labels"] = g.axis_labels[a];
    } else {
      axis["values"] = owned_array(std::move(g.axis_values[a]), g.points);
    }
    axes.append(axis);
  }
  result["axes"] = axes;
  nb::dict metrics;
  for (std::size_t m = 0; m < g.metric_names.size(); ++m) {
    metrics[g.metric_names[m].c_str()] = owned_array(std::move(g.metrics[m]), g.points);
  }
  result["metrics"] = metrics;
  result["substitutes"] = g.substitutes;
  return result;
}

}  // namespace

NB_MODULE(_core, m)
{
  m.doc() = "fleetcap's native module (use the fleetcap package, not this)";
  // The more specific translator is registered last: nanobind tries the newest first.
  nb::exception<fleetcap::error>(m, "Error", PyExc_RuntimeError);
  nb::exception<fleetcap::input_error>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, nb::arg("args"),
        "Runs one fleetcap command (the CLI's arguments after the program name) and returns its output");
  m.def("sweep_points", &sweep_points, nb::arg("scenario"), nb::arg("catalog_dirs"), nb::arg("max_points"),
        "Every point of a scenario's grid: axis coordinates and metrics as NumPy arrays");
}
