#ifndef KEYOPS_TOOLS_COMPLETION_HPP
#define KEYOPS_TOOLS_COMPLETION_HPP

// Shell completion scripts and the man page, both made from the usage text (args.cpp), so that
// neither can drift from what `keyops --help` says.

#include <string>

namespace keyops_cli {

/// `keyops completion bash|zsh|fish`; throws usage_error for another shell.
std::string completion_script(const std::string& shell);

/// `keyops man`: the usage as a man page (roff, section 1).
std::string man_page();

} // namespace keyops_cli

#endif
