#include "app.hpp"

int main(int argc, char** argv) { return fleetcap::cli::run(argc, argv); }
