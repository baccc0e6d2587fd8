#ifndef KEYOPS_ANY_CLIENT_HPP
#define KEYOPS_ANY_CLIENT_HPP

// keyops::any_client: one concrete client for every job kind and both servers, with its
// credentials, kind and options chosen at run time. It is what separate compilation offers:
//
//   - header-only (the default), it is a thin wrapper over keyops::client<beast_transport, ...>
//     with the run-time kind descriptors of endpoint/cckm_any.hpp, compiled in every TU that
//     includes this header;
//   - with KEYOPS_SEPARATE_COMPILATION defined (everywhere in the program), this header declares
//     it only: the transport, TLS, the call and wait machines and the parsers of its answers are
//     compiled once, in the CMake target keyops::compiled (Meson: keyops_compiled_dep), or in the
//     one TU that includes <keyops/src.hpp>. A TU that includes only this header then includes
//     no Beast and no OpenSSL header, and instantiates no parser.
//
//     boost::asio::io_context io;
//     keyops::any_client_config cfg;
//     keyops::parse_server_url("https://cm.example.com", cfg.transport);
//     cfg.credentials = login; // a keyops::ciphertrust_credentials
//     keyops::any_client cm(io.get_executor(), std::move(cfg));
//     auto job = cm.get_job(keyops::cckm::job_kind::oci, id);        // throws keyops::exception
//     auto page = cm.list_jobs(keyops::cckm::job_kind::oci, {}, ec, diag);
//     cm.async_get_job(keyops::cckm::job_kind::oci, id, diag, token); // void(error_code,
//     parsed<job>)
//
// Everything else is as for keyops::client (client/client.hpp): thread-safety (none: one thread
// or one strand), sync calls do their I/O on the calling thread, async calls take any completion
// token and honour terminal cancellation, the same errors and diagnostics. What the typed
// descriptors check at compile time (a kind without a list or a cancel) is checked here at run
// time: error::invalid_argument, before anything is sent.
// The waits are sync (wait_for_jobs, wait_for_rotation) and async (async_wait_for_jobs,
// async_wait_for_rotation), as those of wait/wait.hpp: the async ones honour terminal, partial
// and total cancellation through the completion handler's slot.

#include <keyops/auth/credentials.hpp>
#include <keyops/client/options.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/job_kind.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/status.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/transport/options.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#ifdef KEYOPS_SEPARATE_COMPILATION
#define KEYOPS_DECL
#else
#define KEYOPS_DECL inline
#endif

namespace keyops {

/// Who an any_client signs in as. `std::monostate`: no credentials at all.
using any_credentials = std::variant<std::monostate, token_credentials, ciphertrust_credentials,
                                     network_insight_credentials, network_insight_csp_credentials>;

/// Everything an any_client is made from, chosen at run time: where the server is and how to
/// reach it, the client's settings, the retry policy's and the credentials.
struct any_client_config {
    /// The server (parse_server_url, parse_server_urls), TLS trust, proxy, limits, time-outs.
    transport_options transport;
    /// Base paths, the call time-out, the read-after-write grace, the observer, parse limits.
    client_options client;
    /// Retries: exponential backoff with full jitter and a retry budget.
    backoff_options retry;
    /// Who to sign in as; the kind of credentials picks the server's sign-in (CipherTrust,
    /// Network Insight, a static token). Default: none (`std::monostate`), no credentials sent.
    any_credentials credentials;
};

namespace cckm {
/// A job list's filters and paging, for any kind. `resources` is the kind's resource filter
/// (OCI vaults, AWS KMS, ...: see kind_row::filter_name); a kind without one is refused with
/// error::invalid_argument when it is not empty.
struct job_query {
    /// Only these job ids (repeated `id=` parameters). Empty: no filter.
    std::vector<std::string> id;
    /// Only jobs in this state (`overall_status=`); unset or job_state::unknown: no filter.
    std::optional<job_state> overall_status;
    /// How many jobs to skip before the page (`skip=`); unset: the server's default (0).
    std::optional<std::uint64_t> skip;
    /// The most jobs on the page (`limit=`); unset: the server's default page size.
    std::optional<std::uint64_t> limit;
    /// Comma-separated fields, `-` for descending, e.g. "-createdAt". Empty: the server's order.
    std::string sort;
    /// Values of the kind's resource filter, each sent as one parameter named as the server
    /// names it (`vaults` for OCI, `kms` for AWS, ...).
    std::vector<std::string> resources;
    /// Further parameters sent as given (name, value), after the others, for filters newer
    /// servers add.
    std::vector<std::pair<std::string, std::string>> extra;
};
} // namespace cckm

/// One concrete client for every CCKM job kind and both servers, with its credentials, kind and
/// options chosen at run time; with KEYOPS_SEPARATE_COMPILATION it is compiled once, and its
/// users include no Beast and no OpenSSL header.
///
/// It behaves as keyops::client: not thread-safe (use it from one thread or one strand), sync
/// calls do their I/O on the calling thread, async calls take any completion token and honour
/// terminal cancellation. What a kind cannot do (no list, no cancel, no resource filter) fails
/// with error::invalid_argument, before anything is sent.
class any_client {
public:
    /// The executor of async calls: the caller's, or that of the client's own io_context.
    using executor_type = boost::asio::any_io_executor;

    /// Throws keyops::exception when the settings cannot be used (a CA file that cannot be
    /// loaded, no host).
    KEYOPS_DECL any_client(executor_type ex, any_client_config cfg);
    /// Never throws for bad settings: `ec` and `diag` say what is wrong, and every call then
    /// fails with that error.
    KEYOPS_DECL any_client(executor_type ex, any_client_config cfg, error_code& ec,
                           diagnostics& diag);
    /// For sync use, without an executor of the caller's: the client owns an io_context of its
    /// own, which sync calls never need run. Async calls on it complete only while run() runs.
    KEYOPS_DECL explicit any_client(any_client_config cfg);
    /// With an io_context of its own, as any_client(any_client_config); never throws for bad
    /// settings: `ec` and `diag` say what is wrong, and every call then fails with that error.
    KEYOPS_DECL any_client(any_client_config cfg, error_code& ec, diagnostics& diag);
    /// Releases what the server holds (a Network Insight token), best effort, as
    /// keyops::client's destructor does.
    KEYOPS_DECL ~any_client();
    any_client(const any_client&) = delete;
    any_client& operator=(const any_client&) = delete;
    /// Moving is allowed while no operation is pending. A moved-from client holds nothing: it
    /// may be destroyed or assigned to, and nothing else (as Boost.MySQL's connections).
    KEYOPS_DECL any_client(any_client&&) noexcept;
    /// As the move constructor; what the assigned-to client held is destroyed, as by
    /// ~any_client().
    KEYOPS_DECL any_client& operator=(any_client&&) noexcept;

    /// The executor given, or that of the client's own io_context.
    KEYOPS_DECL executor_type get_executor() const;
    /// A client made without an executor: runs its io_context until no async operation of it
    /// is pending; returns the handlers run. Elsewhere: 0, nothing run.
    KEYOPS_DECL std::size_t run();
    /// What the client has done so far (calls, attempts, retries, token fetches, ...), as
    /// keyops::client::counters.
    KEYOPS_DECL const client_counters& counters() const noexcept;

    // --- CipherTrust Manager: CCKM jobs -----------------------------------------------------

    /// GETs a page of jobs of `kind`, filtered by `q`. A kind without a list endpoint, or
    /// resources for a kind without a resource filter: error::invalid_argument, nothing sent.
    KEYOPS_DECL parsed<cckm::job_list> list_jobs(cckm::job_kind kind, const cckm::job_query& q,
                                                 error_code& ec, diagnostics& diag);
    /// GETs the job `id` of `kind`.
    KEYOPS_DECL parsed<cckm::job> get_job(cckm::job_kind kind, std::string_view id, error_code& ec,
                                          diagnostics& diag);
    /// Asks the server to cancel the job `id` of `kind` (a POST) and returns the job as the server
    /// then reports it. A kind that cannot be cancelled: error::invalid_argument, nothing sent.
    KEYOPS_DECL parsed<cckm::job> cancel_job(cckm::job_kind kind, std::string_view id,
                                             error_code& ec, diagnostics& diag);
    /// Starts a job with a JSON object as its body (the kind's documented fields). Never retried
    /// once it may have reached the server.
    KEYOPS_DECL parsed<cckm::job> start_job(cckm::job_kind kind, std::string json_body,
                                            error_code& ec, diagnostics& diag);
    /// As wait_for_jobs in wait/wait_any.hpp: one result per id, in the order given.
    KEYOPS_DECL std::vector<job_wait_result>
    wait_for_jobs(cckm::job_kind kind, std::vector<std::string> ids, const wait_options& opt = {});

    /// @name Throwing forms
    /// @{

    /// As the call of the same name with `ec` and `diag`, throwing keyops::exception (with its
    /// diagnostics) on failure.
    parsed<cckm::job_list> list_jobs(cckm::job_kind kind, const cckm::job_query& q) {
        return throwing([&](error_code& ec, diagnostics& d) { return list_jobs(kind, q, ec, d); });
    }
    parsed<cckm::job> get_job(cckm::job_kind kind, std::string_view id) {
        return throwing([&](error_code& ec, diagnostics& d) { return get_job(kind, id, ec, d); });
    }
    parsed<cckm::job> cancel_job(cckm::job_kind kind, std::string_view id) {
        return throwing(
            [&](error_code& ec, diagnostics& d) { return cancel_job(kind, id, ec, d); });
    }
    parsed<cckm::job> start_job(cckm::job_kind kind, std::string json_body) {
        return throwing([&](error_code& ec, diagnostics& d) {
            return start_job(kind, std::move(json_body), ec, d);
        });
    }
    /// @}

    // --- Network Insight: the collector proxy key -------------------------------------------

    /// Starts a rotation of the collector proxy key (a POST). Never retried once it may have
    /// reached the server: a repeat may find the rotation running (409).
    KEYOPS_DECL parsed<ni::rotation_status> rotate_proxy_key(error_code& ec, diagnostics& diag);
    /// GETs the state of the latest proxy key rotation.
    KEYOPS_DECL parsed<ni::rotation_status> proxy_key_rotation_status(error_code& ec,
                                                                      diagnostics& diag);
    /// GETs the current proxy key's details.
    KEYOPS_DECL parsed<ni::key_details> proxy_key_details(error_code& ec, diagnostics& diag);
    /// As wait_for_rotation in wait/wait.hpp.
    KEYOPS_DECL rotation_wait_result wait_for_rotation(const wait_options& opt = {});

    /// Releases server-side credentials (a Network Insight token, a CipherTrust refresh
    /// token) and drops idle connections; errors are reported, not thrown.
    KEYOPS_DECL void close(error_code& ec, diagnostics& diag);

    // --- async: signature void(error_code, parsed<...>) -------------------------------------
    // `diag` and the client must outlive the operation.

    /// As list_jobs, async; a refusal (error::invalid_argument) is posted: it never completes
    /// inside this call.
    template <class Token>
    auto async_list_jobs(cckm::job_kind kind, cckm::job_query q, diagnostics& diag, Token&& token) {
        return boost::asio::async_initiate<Token, list_signature>(
            [this](auto h, cckm::job_kind k, const cckm::job_query& q, diagnostics* d) {
                start_list_jobs(k, q, *d, erase<list_signature>(std::move(h)));
            },
            token, kind, std::move(q), &diag);
    }
    /// As get_job, async. `id` is copied into the operation.
    template <class Token>
    auto async_get_job(cckm::job_kind kind, std::string id, diagnostics& diag, Token&& token) {
        return initiate_job(job_call::get, kind, std::move(id), diag, token);
    }
    /// As cancel_job, async; a refusal (error::invalid_argument) is posted: it never completes
    /// inside this call.
    template <class Token>
    auto async_cancel_job(cckm::job_kind kind, std::string id, diagnostics& diag, Token&& token) {
        return initiate_job(job_call::cancel, kind, std::move(id), diag, token);
    }
    /// As start_job, async: never retried once it may have reached the server.
    template <class Token>
    auto async_start_job(cckm::job_kind kind, std::string json_body, diagnostics& diag,
                         Token&& token) {
        return initiate_job(job_call::start, kind, std::move(json_body), diag, token);
    }
    /// As proxy_key_rotation_status, async.
    template <class Token>
    auto async_proxy_key_rotation_status(diagnostics& diag, Token&& token) {
        return boost::asio::async_initiate<Token, rotation_signature>(
            [this](auto h, diagnostics* d) {
                start_rotation_status(*d, erase<rotation_signature>(std::move(h)));
            },
            token, &diag);
    }

    /// As async_wait_for_jobs in wait/wait_any.hpp. Signature void(error_code,
    /// std::vector<job_wait_result>), one result per id, in the order given.
    template <class Token>
    auto async_wait_for_jobs(cckm::job_kind kind, std::vector<std::string> ids, wait_options opt,
                             Token&& token) {
        return boost::asio::async_initiate<Token, jobs_wait_signature>(
            [this](auto h, cckm::job_kind k, std::vector<std::string> i, wait_options o) {
                start_wait_for_jobs(k, std::move(i), std::move(o),
                                    erase<jobs_wait_signature>(std::move(h)));
            },
            token, kind, std::move(ids), std::move(opt));
    }
    /// As async_wait_for_rotation in wait/wait.hpp. Signature void(error_code,
    /// rotation_wait_result).
    template <class Token>
    auto async_wait_for_rotation(wait_options opt, Token&& token) {
        return boost::asio::async_initiate<Token, rotation_wait_signature>(
            [this](auto h, wait_options o) {
                start_wait_for_rotation(std::move(o), erase<rotation_wait_signature>(std::move(h)));
            },
            token, std::move(opt));
    }

private:
    struct impl;
    enum class job_call { get, cancel, start };
    using list_signature = void(error_code, parsed<cckm::job_list>);
    using job_signature = void(error_code, parsed<cckm::job>);
    using rotation_signature = void(error_code, parsed<ni::rotation_status>);
    using jobs_wait_signature = void(error_code, std::vector<job_wait_result>);
    using rotation_wait_signature = void(error_code, rotation_wait_result);
    // Type-erased, and bound to the handler's own executor as an any_io_executor (which the
    // transport's operations require of a handler's executor).
    template <class Signature>
    using erased =
        boost::asio::executor_binder<boost::asio::any_completion_handler<Signature>, executor_type>;
    using list_handler = erased<list_signature>;
    using job_handler = erased<job_signature>;
    using rotation_handler = erased<rotation_signature>;
    using jobs_wait_handler = erased<jobs_wait_signature>;
    using rotation_wait_handler = erased<rotation_wait_signature>;

    template <class Signature, class Handler>
    erased<Signature> erase(Handler&& h) const {
        executor_type ex = boost::asio::get_associated_executor(h, get_executor());
        return boost::asio::bind_executor(
            std::move(ex),
            boost::asio::any_completion_handler<Signature>(std::forward<Handler>(h)));
    }

    template <class Token>
    auto initiate_job(job_call what, cckm::job_kind kind, std::string arg, diagnostics& diag,
                      Token& token) {
        return boost::asio::async_initiate<Token, job_signature>(
            [this](auto h, job_call w, cckm::job_kind k, std::string a, diagnostics* d) {
                start_job_call(w, k, std::move(a), *d, erase<job_signature>(std::move(h)));
            },
            token, what, kind, std::move(arg), &diag);
    }

    template <class F>
    static std::invoke_result_t<F&, error_code&, diagnostics&> throwing(F&& f) {
        error_code ec;
        diagnostics diag;
        auto r = f(ec, diag);
        if (ec)
            throw exception(ec, std::move(diag));
        return r;
    }

    KEYOPS_DECL void start_list_jobs(cckm::job_kind kind, const cckm::job_query& q,
                                     diagnostics& diag, list_handler h);
    KEYOPS_DECL void start_job_call(job_call what, cckm::job_kind kind, std::string arg,
                                    diagnostics& diag, job_handler h);
    KEYOPS_DECL void start_rotation_status(diagnostics& diag, rotation_handler h);
    KEYOPS_DECL void start_wait_for_jobs(cckm::job_kind kind, std::vector<std::string> ids,
                                         wait_options opt, jobs_wait_handler h);
    KEYOPS_DECL void start_wait_for_rotation(wait_options opt, rotation_wait_handler h);

    std::unique_ptr<impl> impl_;
};

} // namespace keyops

#ifndef KEYOPS_SEPARATE_COMPILATION
#include <keyops/impl/any_client.ipp>
#endif

#endif
