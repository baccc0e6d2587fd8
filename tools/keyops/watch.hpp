// keyops jobs watch: see watch.cpp.
#ifndef KEYOPS_CLI_WATCH_HPP
#define KEYOPS_CLI_WATCH_HPP

#include "args.hpp"

#include <string>
#include <vector>

namespace keyops_cli {

/// keyops jobs watch [KIND...] [flags]: `args` are what follows `watch`.
int run_jobs_watch(const global_options& g, const std::vector<std::string>& args);

} // namespace keyops_cli

#endif
