#ifndef KEYOPS_AUTH_EITHER_AUTH_HPP
#define KEYOPS_AUTH_EITHER_AUTH_HPP

// An auth policy chosen at run time between two (or more): typically a login that renews its token
// (ciphertrust_auth, network_insight_auth) or a token given by the user (static_token). One
// client type then serves both, so an agent or a tool compiles each operation once, whichever
// credentials it was configured with.
//
//     using cm_auth = keyops::either_auth<keyops::ciphertrust_auth>;
//     cm_auth a = token.empty() ? cm_auth(keyops::ciphertrust_auth(creds))
//                               : cm_auth(keyops::static_token(scheme::bearer, token));

#include <keyops/auth/policies.hpp>

#include <chrono>
#include <type_traits>
#include <utility>
#include <variant>

namespace keyops {

/// An auth policy chosen at run time among `First`, `Second` and `More`: it holds one of them and
/// passes every call of the auth policy concept (auth/concept.hpp) to it.
template <class First, class Second = static_token, class... More>
class either_auth {
    template <class P>
    static constexpr bool is_one = std::is_same_v<P, First> || std::is_same_v<P, Second> ||
                                   (std::is_same_v<P, More> || ...);

public:
    /// Uses `a` (index 0).
    either_auth(First a) : a_(std::in_place_index<0>, std::move(a)) {}
    /// Uses `b` (index 1).
    either_auth(Second b) : a_(std::in_place_index<1>, std::move(b)) {}
    /// Any of the further policies.
    template <class P, class = std::enable_if_t<!std::is_same_v<P, First> &&
                                                !std::is_same_v<P, Second> && is_one<P>>>
    either_auth(P p) : a_(std::in_place_type<P>, std::move(p)) {}

    /// Which one is in use (0: First, 1: Second, 2: the first of More ...).
    std::size_t index() const noexcept { return a_.index(); }
    /// The First policy, or null when another one is in use.
    First* first() noexcept { return std::get_if<0>(&a_); }
    /// The Second policy, or null when another one is in use.
    Second* second() noexcept { return std::get_if<1>(&a_); }
    /// The policy of type P, if it is the one in use.
    template <class P>
    P* get() noexcept {
        return std::get_if<P>(&a_);
    }

    /// @name The auth policy concept (auth/concept.hpp)
    /// @{

    /// Each passed to the policy in use.
    bool
    try_authorize(http_request& r,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
        return std::visit([&](auto& a) { return a.try_authorize(r, now); }, a_);
    }
    auth_fetch begin_fetch(const request_context& ctx, http_request& grant, diagnostics& diag,
                           std::chrono::system_clock::time_point now, bool may_wait,
                           error_code& ec) {
        return std::visit(
            [&](auto& a) { return a.begin_fetch(ctx, grant, diag, now, may_wait, ec); }, a_);
    }
    error_code on_fetch_response(error_code ec, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        return std::visit([&](auto& a) { return a.on_fetch_response(ec, res, diag, now); }, a_);
    }
    bool on_unauthorized(const http_request& r) {
        return std::visit([&](auto& a) { return a.on_unauthorized(r); }, a_);
    }
    bool begin_release(const request_context& ctx, http_request& out) {
        return std::visit([&](auto& a) { return a.begin_release(ctx, out); }, a_);
    }
    error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag) {
        return std::visit([&](auto& a) { return a.on_release_response(ec, res, diag); }, a_);
    }
    template <class F>
    void for_each_secret(F&& f) const {
        std::visit(
            [&](const auto& a) {
                if constexpr (detail::has_secrets<std::decay_t<decltype(a)>>::value)
                    a.for_each_secret(f);
            },
            a_);
    }
    /// @}

    /// True while the policy in use holds something on the server (see needs_release in
    /// policies.hpp); false for policies without that notion.
    bool needs_release() const noexcept {
        return std::visit(
            [](const auto& a) {
                if constexpr (detail::needs_release_on_destroy<std::decay_t<decltype(a)>>::value)
                    return a.needs_release();
                else
                    return false;
            },
            a_);
    }

private:
    std::variant<First, Second, More...> a_;
};

} // namespace keyops

#endif
