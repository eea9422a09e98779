# Type stubs of the native module (python/src/core_module.cpp). Use the fleetcap package's
# functions, which wrap these.
from typing import Any, Dict, List

class Error(RuntimeError): ...
class InputError(ValueError): ...

def run(args: List[str]) -> str:
    """Runs one fleetcap command (the CLI's arguments after the program name); returns its output."""

def sweep_points(scenario: str, catalog_dirs: List[str], max_points: int) -> Dict[str, Any]:
    """Every point of a scenario's grid: {"scenario", "points", "axes": [{"name", "values" |
    ("codes", "labels")}], "metrics": {name: numpy.ndarray[float64]}, "substitutes"}."""
