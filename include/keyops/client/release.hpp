#ifndef KEYOPS_CLIENT_RELEASE_HPP
#define KEYOPS_CLIENT_RELEASE_HPP

// Giving back what an auth policy holds on the server (begin_release / on_release_response, see
// auth/policies.hpp) through a transport, sync and async: the client's close() and destructor use
// these. Secrets are redacted from the diagnostics either way.

#include <keyops/auth/policies.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/http.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/exchange.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <memory>
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

} // namespace detail

} // namespace keyops

#endif
