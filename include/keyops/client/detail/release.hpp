#ifndef KEYOPS_CLIENT_DETAIL_RELEASE_HPP
#define KEYOPS_CLIENT_DETAIL_RELEASE_HPP

// Giving back what an auth policy holds on the server (begin_release / on_release_response, see
// auth/concept.hpp) through a transport, sync and async: the client's close() and destructor use
// these. Secrets are redacted from the diagnostics either way.

#include <keyops/auth/concept.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/http.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/detail/exchange.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

namespace keyops {

namespace detail {

// Gives back what `auth` holds on the server (begin_release), through `t`. void(error_code).
template <class Transport, class Auth>
struct release_op {
    Transport& transport;
    Auth& auth;
    const request_context& ctx;
    diagnostics& diag;
    std::chrono::steady_clock::time_point deadline;
    std::unique_ptr<std::pair<http_request, http_response>> msgs{};
    bool sent = false;

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        if (!msgs) {
            msgs = std::make_unique<std::pair<http_request, http_response>>();
            if (!auth.begin_release(ctx, msgs->first))
                return boost::asio::post(self.get_io_executor(), std::move(self));
            sent = true;
            return transport.async_exchange(msgs->first, msgs->second,
                                            exchange_options{deadline, true, &diag},
                                            std::move(self));
        }
        const error_code result =
            sent ? auth.on_release_response(ec, msgs->second, diag) : error_code();
        detail::redact_secrets(auth, diag);
        self.complete(result);
    }
};

template <class Transport, class Auth, class Token>
auto async_release(Transport& t, Auth& a, const request_context& ctx, diagnostics& diag,
                   std::chrono::steady_clock::time_point deadline, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code)>(
        release_op<Transport, Auth>{t, a, ctx, diag, deadline}, token, t.get_executor());
}

template <class Transport, class Auth>
error_code release(Transport& t, Auth& a, const request_context& ctx, diagnostics& diag,
                   std::chrono::steady_clock::time_point deadline) {
    http_request req;
    if (!a.begin_release(ctx, req))
        return {};
    http_response res;
    const error_code ec = t.exchange(req, res, exchange_options{deadline, true, &diag});
    const error_code result = a.on_release_response(ec, res, diag);
    detail::redact_secrets(a, diag);
    return result;
}

// What a release on destruction owns: the client's transport and auth policy are moved in.
template <class Transport, class Auth>
struct release_job {
    Transport transport;
    Auth auth;
    request_context ctx;
    diagnostics diag;
};

// ~client(): the release described there, never throwing. `sync`: the client's last call was a
// sync one (release on the calling thread); otherwise a detached release is posted. Detached, it
// has no caller's handler to take an executor from: it runs on a strand it makes of the
// transport's executor (the rule of transport/beast_transport.hpp), over connections of its own.
// The client's idle connections are dropped first, here, on the client's thread or strand: what
// their last exchanges left behind (the check that ends a deadline timer's wait) runs there, and
// must not meet the release's exchange on another thread.
template <class Transport, class Auth>
void release_on_destroy(Transport& transport, Auth& auth, const request_context& ctx, bool sync,
                        std::chrono::milliseconds timeout) noexcept {
    if constexpr (needs_release_on_destroy<Auth>::value &&
                  std::is_move_constructible_v<Transport> && std::is_move_constructible_v<Auth>) {
        try {
            if (timeout.count() <= 0 || !auth.needs_release())
                return;
            const auto deadline = std::chrono::steady_clock::now() + timeout;
            if (sync) {
                diagnostics ignored;
                release(transport, auth, ctx, ignored, deadline);
                return;
            }
            using job_type = release_job<Transport, Auth>;
            transport.close();
            auto strand = boost::asio::make_strand(transport.get_executor());
            auto job = std::make_unique<job_type>(
                job_type{std::move(transport), std::move(auth), ctx, diagnostics()});
            boost::asio::post(strand, [job = std::move(job), deadline, strand]() mutable {
                job_type& j = *job;
                async_release(
                    j.transport, j.auth, j.ctx, j.diag, deadline,
                    boost::asio::bind_executor(strand, [job = std::move(job)](error_code) mutable {
                        job.reset(); // the transport goes with it
                    }));
            });
        } catch (...) {
            // Best effort: the token then expires on the server.
        }
    } else {
        (void)transport, (void)auth, (void)ctx, (void)sync, (void)timeout;
    }
}

} // namespace detail

} // namespace keyops

#endif
