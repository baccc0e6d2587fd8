#ifndef KEYOPS_IMPL_ANY_CLIENT_IPP
#define KEYOPS_IMPL_ANY_CLIENT_IPP

// any_client's definitions: inline in the header-only form (any_client.hpp includes this file),
// compiled once with KEYOPS_SEPARATE_COMPILATION (<keyops/src.hpp>, the keyops::compiled target).

#include <keyops/any_client.hpp>
#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>
#include <keyops/wait/wait_any.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace keyops {

namespace detail {

using any_client_auth = either_auth<ciphertrust_auth, static_token, network_insight_auth,
                                    network_insight_csp_auth, no_auth>;
using any_client_type = client<beast_transport, any_client_auth, exponential_backoff>;

inline any_client_auth make_any_auth(any_credentials c) {
    struct visitor {
        any_client_auth operator()(std::monostate) const { return any_client_auth(no_auth()); }
        any_client_auth operator()(token_credentials& t) const {
            return any_client_auth(static_token(std::move(t)));
        }
        any_client_auth operator()(ciphertrust_credentials& t) const {
            return any_client_auth(ciphertrust_auth(std::move(t)));
        }
        any_client_auth operator()(network_insight_credentials& t) const {
            return any_client_auth(network_insight_auth(std::move(t)));
        }
        any_client_auth operator()(network_insight_csp_credentials& t) const {
            return any_client_auth(network_insight_csp_auth(std::move(t)));
        }
    };
    return std::visit(visitor{}, c);
}

// What the kind cannot do, as error::invalid_argument with the reason; {} when it can.
inline error_code refuse(diagnostics& diag, std::string detail) {
    diag.clear();
    diag.detail = std::move(detail);
    return make_error_code(error::invalid_argument);
}

// What the kind cannot do of a list with `q` (error::invalid_argument and why), or {}.
inline error_code list_refusal(const cckm::kind_row& k, const cckm::job_query& q,
                               diagnostics& diag) {
    if (!k.has_list)
        return refuse(diag, std::string(k.name) + " jobs have no list endpoint");
    if (!q.resources.empty() && k.filter_name.empty())
        return refuse(diag, std::string(k.name) + " jobs have no resource filter");
    return {};
}

inline error_code cancel_refusal(const cckm::kind_row& k, diagnostics& diag) {
    if (!k.has_cancel)
        return refuse(diag, std::string(k.name) + " jobs cannot be cancelled");
    return {};
}

inline cckm::any_list_query to_list_query(const cckm::job_query& q, const cckm::kind_row& k) {
    cckm::any_list_query out;
    out.id = q.id;
    out.overall_status = q.overall_status;
    out.skip = q.skip;
    out.limit = q.limit;
    out.sort = q.sort;
    out.extra.reserve(q.resources.size() + q.extra.size());
    for (const auto& r : q.resources)
        out.extra.emplace_back(std::string(k.filter_name), r);
    for (const auto& e : q.extra)
        out.extra.push_back(e);
    return out;
}

} // namespace detail

struct any_client::impl {
    impl(executor_type ex, any_client_config cfg, error_code& ec, diagnostics& diag)
        : c(beast_transport(std::move(ex), std::move(cfg.transport), ec, diag),
            detail::make_any_auth(std::move(cfg.credentials)), exponential_backoff(cfg.retry),
            std::move(cfg.client)) {}
    impl(std::unique_ptr<boost::asio::io_context> io, any_client_config cfg, error_code& ec,
         diagnostics& diag)
        : impl(io->get_executor(), std::move(cfg), ec, diag) {
        own = std::move(io);
    }
    // Declared first, destroyed last: the client's destructor may still use it (a release).
    std::unique_ptr<boost::asio::io_context> own; // for a client made without an executor
    detail::any_client_type c;
};

KEYOPS_DECL any_client::any_client(executor_type ex, any_client_config cfg) {
    error_code ec;
    diagnostics diag;
    impl_ = std::make_unique<impl>(std::move(ex), std::move(cfg), ec, diag);
    if (ec)
        throw exception(ec, std::move(diag));
}

KEYOPS_DECL any_client::any_client(executor_type ex, any_client_config cfg, error_code& ec,
                                   diagnostics& diag)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(cfg), ec, diag)) {}

KEYOPS_DECL any_client::any_client(any_client_config cfg) {
    error_code ec;
    diagnostics diag;
    impl_ = std::make_unique<impl>(std::make_unique<boost::asio::io_context>(), std::move(cfg), ec,
                                   diag);
    if (ec)
        throw exception(ec, std::move(diag));
}

KEYOPS_DECL any_client::any_client(any_client_config cfg, error_code& ec, diagnostics& diag)
    : impl_(std::make_unique<impl>(std::make_unique<boost::asio::io_context>(), std::move(cfg), ec,
                                   diag)) {}

KEYOPS_DECL any_client::~any_client() = default;
KEYOPS_DECL any_client::any_client(any_client&&) noexcept = default;
KEYOPS_DECL any_client& any_client::operator=(any_client&&) noexcept = default;

KEYOPS_DECL any_client::executor_type any_client::get_executor() const {
    return impl_->c.get_executor();
}

KEYOPS_DECL std::size_t any_client::run() {
    if (!impl_->own)
        return 0;
    impl_->own->restart();
    return impl_->own->run();
}

KEYOPS_DECL const client_counters& any_client::counters() const noexcept {
    return impl_->c.counters();
}

KEYOPS_DECL parsed<cckm::job_list> any_client::list_jobs(cckm::job_kind kind,
                                                         const cckm::job_query& q, error_code& ec,
                                                         diagnostics& diag) {
    const cckm::kind_row& k = cckm::kind_row_of(kind);
    if ((ec = detail::list_refusal(k, q, diag)))
        return {};
    return impl_->c.call<cckm::any_list_jobs>(cckm::kind_path(k), detail::to_list_query(q, k), ec,
                                              diag);
}

KEYOPS_DECL parsed<cckm::job> any_client::get_job(cckm::job_kind kind, std::string_view id,
                                                  error_code& ec, diagnostics& diag) {
    return impl_->c.call<cckm::any_get_job>(cckm::kind_path(cckm::kind_row_of(kind)), job_id(id),
                                            ec, diag);
}

KEYOPS_DECL parsed<cckm::job> any_client::cancel_job(cckm::job_kind kind, std::string_view id,
                                                     error_code& ec, diagnostics& diag) {
    const cckm::kind_row& k = cckm::kind_row_of(kind);
    if ((ec = detail::cancel_refusal(k, diag)))
        return {};
    return impl_->c.call<cckm::any_cancel_job>(cckm::kind_path(k), job_id(id), ec, diag);
}

KEYOPS_DECL parsed<cckm::job> any_client::start_job(cckm::job_kind kind, std::string json_body,
                                                    error_code& ec, diagnostics& diag) {
    return impl_->c.call<cckm::any_start_job>(cckm::kind_path(cckm::kind_row_of(kind)),
                                              cckm::raw_json_body{std::move(json_body)}, ec, diag);
}

KEYOPS_DECL std::vector<job_wait_result> any_client::wait_for_jobs(cckm::job_kind kind,
                                                                   std::vector<std::string> ids,
                                                                   const wait_options& opt) {
    return keyops::wait_for_jobs(impl_->c, kind, std::move(ids), opt);
}

KEYOPS_DECL parsed<ni::rotation_status> any_client::rotate_proxy_key(error_code& ec,
                                                                     diagnostics& diag) {
    return impl_->c.call<ni::rotate_proxy_key>(ec, diag);
}

KEYOPS_DECL parsed<ni::rotation_status> any_client::proxy_key_rotation_status(error_code& ec,
                                                                              diagnostics& diag) {
    return impl_->c.call<ni::proxy_key_rotation_status>(ec, diag);
}

KEYOPS_DECL parsed<ni::key_details> any_client::proxy_key_details(error_code& ec,
                                                                  diagnostics& diag) {
    return impl_->c.call<ni::proxy_key_details>(ec, diag);
}

KEYOPS_DECL rotation_wait_result any_client::wait_for_rotation(const wait_options& opt) {
    return keyops::wait_for_rotation(impl_->c, opt);
}

KEYOPS_DECL void any_client::close(error_code& ec, diagnostics& diag) {
    impl_->c.close(ec, diag);
}

KEYOPS_DECL void any_client::start_list_jobs(cckm::job_kind kind, const cckm::job_query& q,
                                             diagnostics& diag, list_handler h) {
    const cckm::kind_row& k = cckm::kind_row_of(kind);
    if (const error_code ec = detail::list_refusal(k, q, diag))
        return boost::asio::post(impl_->c.get_executor(),
                                 boost::asio::append(std::move(h), ec, parsed<cckm::job_list>()));
    impl_->c.async_call<cckm::any_list_jobs>(cckm::kind_path(k), detail::to_list_query(q, k), diag,
                                             std::move(h));
}

KEYOPS_DECL void any_client::start_job_call(job_call what, cckm::job_kind kind, std::string arg,
                                            diagnostics& diag, job_handler h) {
    const cckm::kind_row& k = cckm::kind_row_of(kind);
    switch (what) {
    case job_call::get:
        return impl_->c.async_call<cckm::any_get_job>(cckm::kind_path(k), job_id(arg), diag,
                                                      std::move(h));
    case job_call::cancel:
        if (const error_code ec = detail::cancel_refusal(k, diag))
            return boost::asio::post(impl_->c.get_executor(),
                                     boost::asio::append(std::move(h), ec, parsed<cckm::job>()));
        return impl_->c.async_call<cckm::any_cancel_job>(cckm::kind_path(k), job_id(arg), diag,
                                                         std::move(h));
    case job_call::start:
        return impl_->c.async_call<cckm::any_start_job>(
            cckm::kind_path(k), cckm::raw_json_body{std::move(arg)}, diag, std::move(h));
    }
}

KEYOPS_DECL void any_client::start_rotation_status(diagnostics& diag, rotation_handler h) {
    impl_->c.async_call<ni::proxy_key_rotation_status>(diag, std::move(h));
}

KEYOPS_DECL void any_client::start_wait_for_jobs(cckm::job_kind kind, std::vector<std::string> ids,
                                                 wait_options opt, jobs_wait_handler h) {
    keyops::async_wait_for_jobs(impl_->c, kind, std::move(ids), std::move(opt), std::move(h));
}

KEYOPS_DECL void any_client::start_wait_for_rotation(wait_options opt, rotation_wait_handler h) {
    keyops::async_wait_for_rotation(impl_->c, std::move(opt), std::move(h));
}

} // namespace keyops

#endif
