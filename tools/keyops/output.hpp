#ifndef KEYOPS_TOOLS_OUTPUT_HPP
#define KEYOPS_TOOLS_OUTPUT_HPP

// What the keyops tool prints: the server's JSON as sent (--json), tables and blocks for people,
// the progress line of waits, and notes and errors on stderr.

#include "args.hpp"

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/types.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops_cli {

bool stdout_is_terminal();

/// With -v: how a call went (status, attempts, retries), to stderr. Never a secret: diagnostics
/// hold none.
void verbose_note(const global_options& g, const std::string& what,
                  const keyops::diagnostics& diag);

/// With -v: the library's observer, printing connects, handshakes, responses, retries and token
/// requests to stderr.
keyops::observer* verbose_observer();

/// The outcome's name in `wait --json` output.
std::string_view outcome_name(keyops::wait_outcome o);

/// Prints `keyops: <what>: <error and diagnostics>` to stderr.
void report_error(const std::string& what, const keyops::error_code& ec,
                  const keyops::diagnostics& diag);

/// The body as sent, on one line, for --json.
void print_json_body(std::string_view body);
void print_job_block(const keyops::cckm::job& j);
/// The job table; the resource column is shortened to fit only on a terminal.
void print_job_table(const std::vector<const keyops::cckm::job*>& jobs);
/// "1 poll", "2 polls".
std::string count_text(std::size_t n, const char* one, const char* many);
void print_rotation_block(const keyops::ni::rotation_status& s);
void print_details_block(const keyops::ni::key_details& d);

/// A warning on stderr for each value the library left out of its field (see
/// keyops::parsed::problems()); --json output is unaffected: it prints the body as sent.
void warn_problems(keyops::field_problems problems);

/// "3/5" when both are known, "3 done" when the total is not.
std::string progress_text(std::size_t done, std::size_t total);

/// Resources done (their text says they finished, well or badly) of the job's resources (0
/// when unknown), as far as the job says.
std::pair<std::size_t, std::size_t> resource_progress(const keyops::cckm::job& j);

std::string seconds_text(std::chrono::steady_clock::duration d);

// Shows wait progress: a live line on a terminal, plain lines otherwise.
class progress_view {
public:
    /// `live`: one line rewritten in place (a terminal); `escapes`: that line may use ANSI
    /// erase sequences (not when NO_COLOR is set). A null `out` shows nothing.
    progress_view(bool live, std::FILE* out, std::size_t jobs, bool escapes = true)
        : live_(live), escapes_(escapes), out_(out), jobs_(jobs) {}

    /// Where a wait's progress goes for these options: stdout, or stderr when stdout carries
    /// JSON (and stderr is a terminal), nowhere with --no-progress.
    static progress_view for_options(const global_options& g, std::size_t jobs);

    void job(const keyops::cckm::job& j, std::chrono::steady_clock::duration elapsed);
    void rotation(const keyops::ni::rotation_status& s,
                  std::chrono::steady_clock::duration elapsed);
    void run(const keyops::scheduler::run& r, std::chrono::steady_clock::duration elapsed);
    /// A poll failed for a reason that may pass: the wait goes on.
    void outage(const keyops::error_code& ec, const keyops::diagnostics& d,
                std::chrono::steady_clock::duration elapsed);
    void end();

private:
    void show(const char* text);

    bool live_;
    bool escapes_;
    std::size_t last_width_ = 0;
    std::FILE* out_;
    std::size_t jobs_;
    bool shown_ = false;
    std::map<std::string, bool> finished_;
};

} // namespace keyops_cli

#endif
