#ifndef KEYOPS_TRANSPORT_OPTIONS_HPP
#define KEYOPS_TRANSPORT_OPTIONS_HPP

// Configuration of the Beast transport: where to connect, how long to wait, what to trust.
// Plain structs with documented defaults; build them by hand or from a URL.

#include <keyops/error.hpp>

#include <boost/url/parse.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace keyops {

/// The level of a log line given to transport_options::log.
enum class log_level { debug, info, warning };

/// Receives the transport's and client's log lines. Never called with a secret.
using log_function = std::function<void(log_level, std::string_view)>;

/// What the transport trusts and verifies on a TLS connection (transport_options::tls).
struct tls_options {
    /// Extra trust anchors: a PEM file, and/or a directory of hashed certificates. The system
    /// store is used too unless `use_system_store` is false.
    std::string ca_file;
    std::string ca_directory;     ///< a directory of hashed certificates (c_rehash); empty: none
    bool use_system_store = true; ///< also trust the system's store (default: yes)
    /// Skips certificate and host-name verification. Only for throwaway test setups: the
    /// transport logs a warning each time it connects this way.
    bool insecure_skip_verify = false;
    /// A TLS client context to use as it is (its trust anchors, verify mode and options); the
    /// three trust settings above are then ignored. The host name is still checked unless
    /// insecure_skip_verify. When empty, the transport takes the process-wide context for the
    /// settings above (keyops::shared_tls_context in beast_transport.hpp): the system store and
    /// CA files are loaded once per process, not once per transport.
    std::shared_ptr<boost::asio::ssl::context> context;
};

/// An HTTP proxy, reached with CONNECT (transport_options::proxy).
struct proxy_options {
    std::string host;           ///< the proxy's host name or IP literal
    unsigned short port = 3128; ///< the proxy's port
};

/// One node of a cluster: a host name or IP literal and its port (same scheme as the first).
struct node_address {
    std::string host;          ///< host name or IP literal
    unsigned short port = 443; ///< the node's port
};

/// Where the Beast transport connects and how: the server (and its cluster's other nodes),
/// time-outs, size limits, TLS trust, the proxy, logging. parse_server_url() fills host, port and
/// use_tls.
struct transport_options {
    /// Server host name or IP literal (IPv6 with or without brackets).
    std::string host;
    unsigned short port = 443; ///< the server's port
    bool use_tls = true;       ///< HTTPS (true, the default) or plain HTTP
    /// Further nodes of the same cluster (CipherTrust Manager), after `host`: an exchange that
    /// cannot reach its node (name resolution, connect, proxy or time-out, before any byte of the
    /// request was written) or is answered 503 is sent to the next node at once; the node that
    /// answered stays the transport's choice for the exchanges after it (sticky). Certificate
    /// failures do not move on: they are reported. Every node shares the scheme, TLS settings
    /// and proxy; each is checked against its own host name. parse_server_urls() fills this
    /// from `https://a,https://b`.
    std::vector<node_address> other_nodes;

    std::chrono::milliseconds connect_timeout{10000}; ///< resolve, TCP, proxy and TLS setup
    std::chrono::milliseconds request_timeout{30000}; ///< writing the request, reading the response
    std::size_t max_body_size = 16 * 1024 * 1024;     ///< after decompression
    std::size_t max_header_size = 64 * 1024;          ///< a response's status line and headers
    /// Kept-alive connections held for reuse; concurrent calls open more, up to no limit.
    std::size_t max_idle_connections = 4;

    tls_options tls; ///< trust anchors and verification, used when `use_tls`
    /// An HTTP proxy reached with CONNECT. When empty and `proxy_from_environment` is true,
    /// HTTPS_PROXY / HTTP_PROXY and NO_PROXY decide, read once, when the transport is
    /// constructed. A proxy that answers CONNECT with anything but 2xx fails the exchange with
    /// error::proxy_refused; the diagnostics then give its status, and the retry policies do not
    /// retry a refusal with a status that is not retried (403, 407).
    std::optional<proxy_options> proxy;
    bool proxy_from_environment = true; ///< without `proxy`: environment_proxy() decides

    log_function log; ///< receives log lines, e.g. the warning of insecure_skip_verify; empty: none
};

namespace detail {

inline std::string_view strip_brackets(std::string_view host) noexcept {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// Text that Boost.URL may be given: no controls, spaces, queries or fragments (Boost.URL 1.81
// asserts on some malformed input with them, such as `s:#`).
inline bool plain_url_text(std::string_view url) noexcept {
    for (const char c : url)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '?' || c == '#')
            return false;
    return true;
}

inline const char* getenv_either(const char* upper, const char* lower) {
    if (const char* v = std::getenv(lower); v && *v)
        return v;
    if (const char* v = std::getenv(upper); v && *v)
        return v;
    return nullptr;
}

} // namespace detail

/// True when NO_PROXY (comma-separated host names, domain suffixes such as `.example.com` or
/// `example.com`, or `*`) exempts `host`.
inline bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
    host = detail::strip_brackets(host);
    while (!no_proxy.empty()) {
        const auto comma = no_proxy.find(',');
        std::string_view entry = no_proxy.substr(0, comma);
        no_proxy =
            comma == std::string_view::npos ? std::string_view() : no_proxy.substr(comma + 1);
        while (!entry.empty() && entry.front() == ' ')
            entry.remove_prefix(1);
        while (!entry.empty() && entry.back() == ' ')
            entry.remove_suffix(1);
        if (entry.empty())
            continue;
        if (entry == "*")
            return true;
        entry = detail::strip_brackets(entry);
        if (!entry.empty() && entry.front() == '.')
            entry.remove_prefix(1);
        if (entry.empty()) // `[]` or `.`: no host to match
            continue;
        if (detail::iequals(host, entry))
            return true;
        if (host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
            detail::iequals(host.substr(host.size() - entry.size()), entry))
            return true;
    }
    return false;
}

/// The proxy the environment asks for when connecting to `host`, if any: HTTPS_PROXY (or
/// HTTP_PROXY for plain HTTP), lower case first, minus hosts listed in NO_PROXY. Proxy URLs are
/// `http://host:port`; credentials in them are not supported and make this return nothing.
inline std::optional<proxy_options> environment_proxy(std::string_view host, bool tls) {
    const char* url = tls ? detail::getenv_either("HTTPS_PROXY", "https_proxy")
                          : detail::getenv_either("HTTP_PROXY", "http_proxy");
    if (!url)
        return std::nullopt;
    if (const char* no = detail::getenv_either("NO_PROXY", "no_proxy");
        no && no_proxy_matches(no, host))
        return std::nullopt;
    std::string text = url;
    if (text.find("://") == std::string::npos)
        text = "http://" + text;
    if (!detail::plain_url_text(text))
        return std::nullopt;
    auto u = boost::urls::parse_uri(text);
    if (!u || u->host().empty() || u->has_userinfo() || u->scheme() != "http")
        return std::nullopt;
    proxy_options p;
    p.host = std::string(detail::strip_brackets(u->encoded_host_address()));
    if (u->has_port())
        p.port = u->port_number();
    return p;
}

/// Fills host, port and use_tls from `https://host[:port]` or `http://host[:port]`; the path,
/// if any, is returned through `base_path`. Returns error::invalid_argument for anything else:
/// another scheme, user information, a query or fragment, a port outside 1..65535. The text is
/// checked before Boost.URL sees it (Boost.URL 1.81 asserts on some malformed input, such as
/// `s:#`).
inline error_code parse_server_url(std::string_view url, transport_options& opt,
                                   std::string* base_path = nullptr) {
    const auto bad = make_error_code(error::invalid_argument);
    const auto sep = url.find("://");
    if (sep == std::string_view::npos)
        return bad;
    const std::string_view scheme = url.substr(0, sep);
    bool tls;
    if (detail::iequals(scheme, "https"))
        tls = true;
    else if (detail::iequals(scheme, "http"))
        tls = false;
    else
        return bad;
    if (!detail::plain_url_text(url))
        return bad;
    auto u = boost::urls::parse_uri(url);
    if (!u || u->host().empty() || u->has_userinfo() || u->has_query() || u->has_fragment())
        return bad;
    unsigned short port = tls ? 443 : 80;
    if (u->has_port()) {
        const std::string_view digits = u->port();
        if (digits.empty() || digits.size() > 5)
            return bad;
        unsigned long v = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9')
                return bad;
            v = v * 10 + static_cast<unsigned long>(c - '0');
        }
        if (v == 0 || v > 65535)
            return bad;
        port = static_cast<unsigned short>(v);
    }
    opt.use_tls = tls;
    opt.host = std::string(detail::strip_brackets(u->encoded_host_address()));
    opt.port = port;
    if (base_path) {
        *base_path = std::string(u->encoded_path());
        while (!base_path->empty() && base_path->back() == '/')
            base_path->pop_back();
    }
    return {};
}

/// parse_server_url for a comma-separated list of a cluster's node URLs
/// (`https://cm1.example.com,https://cm2.example.com:8443`): the first fills host and port, the
/// others `other_nodes`. Every URL must have the same scheme and the same path (the base path
/// returned); empty entries, a different scheme or path, or a malformed URL return
/// error::invalid_argument.
inline error_code parse_server_urls(std::string_view urls, transport_options& opt,
                                    std::string* base_path = nullptr) {
    const auto bad = make_error_code(error::invalid_argument);
    transport_options out = opt;
    out.other_nodes.clear();
    std::string first_path;
    bool first = true;
    while (true) {
        const auto comma = urls.find(',');
        std::string_view one = urls.substr(0, comma);
        while (!one.empty() && one.front() == ' ')
            one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ')
            one.remove_suffix(1);
        transport_options node;
        std::string path;
        if (one.empty() || parse_server_url(one, node, &path))
            return bad;
        if (first) {
            out.host = node.host;
            out.port = node.port;
            out.use_tls = node.use_tls;
            first_path = path;
            first = false;
        } else {
            if (node.use_tls != out.use_tls || path != first_path)
                return bad;
            out.other_nodes.push_back({node.host, node.port});
        }
        if (comma == std::string_view::npos)
            break;
        urls.remove_prefix(comma + 1);
    }
    opt = std::move(out);
    if (base_path)
        *base_path = std::move(first_path);
    return {};
}

} // namespace keyops

#endif
