#ifndef KEYOPS_ENDPOINT_VMWARE_CSP_HPP
#define KEYOPS_ENDPOINT_VMWARE_CSP_HPP

// VMware Cloud Services (CSP): the exchange of an API token for an access token, which Network
// Insight SaaS requests then carry as `csp-auth-token`. The exchange is a form POST (the older
// `?refresh_token=` query form was removed) to `csp_base` (request_context), by default
// https://console.cloud.vmware.com, another host than the SaaS API's.

#include <keyops/endpoint/descriptor.hpp>
#include <keyops/error.hpp>
#include <keyops/model/csp.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <string>
#include <tuple>

namespace keyops::csp {

/// The form body `api_token=<token>`, percent-encoded. The token is only ever written here.
struct api_token_grant {
    /// The CSP API token; must not be empty.
    std::string api_token;

    /// Writes the body into `out`, replacing what it held; invalid_argument when api_token is
    /// empty.
    error_code write_form(std::string& out) const {
        if (api_token.empty())
            return make_error_code(error::invalid_argument);
        const std::size_t n = boost::urls::encoded_size(api_token, boost::urls::unreserved_chars);
        out.assign("api_token=");
        const std::size_t at = out.size();
        out.resize(at + n);
        boost::urls::encode(&out[at], n, api_token, boost::urls::unreserved_chars);
        return {};
    }
};

/// POST /csp/gateway/am/api/auth/api-tokens/authorize. A grant: repeating it only mints another
/// access token, so it is retried.
struct authorize : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::vmware_csp;
    static constexpr auto path = fixed_string("/csp/gateway/am/api/auth/api-tokens/authorize");
    using bodies = std::tuple<api_token_grant>;
    static constexpr bool body_required = true;
    using response = access_token;
    /// @}
};

} // namespace keyops::csp

#endif
