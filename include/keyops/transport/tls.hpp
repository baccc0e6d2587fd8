#ifndef KEYOPS_TRANSPORT_TLS_HPP
#define KEYOPS_TRANSPORT_TLS_HPP

// TLS client contexts, made once per trust configuration and shared.
//
// Loading the system store takes tens of milliseconds (on Windows, the ROOT certificate store,
// read through CryptoAPI: detail/system_store_win32.hpp), so transports share one ssl::context per
// trust configuration (tls_options' CA file, CA directory, system store, insecure_skip_verify),
// loaded once per process. Pass your own in tls_options::context to control it fully. When the
// server's certificate is refused, the diagnostics' `detail` says which check failed, e.g.
// "unable to get local issuer certificate" or "host name mismatch: certificate is for localhost,
// asked for 127.0.0.1" (detail/tls_verify.hpp).

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/transport/detail/system_store_win32.hpp>
#include <keyops/transport/options.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace keyops {

namespace detail {

inline std::shared_ptr<boost::asio::ssl::context>
make_tls_context(const tls_options& tls, error_code& ec, diagnostics* diag) {
    namespace ssl = boost::asio::ssl;
    ec.clear();
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (tls.insecure_skip_verify) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    auto fail = [&](std::string what) -> std::shared_ptr<ssl::context> {
        if (diag)
            diag->detail = std::move(what);
        return nullptr;
    };
    ctx->set_verify_mode(ssl::verify_peer);
    if (tls.use_system_store) {
        error_code ignored; // a machine without a system store still has the CA file, if any
        ctx->set_default_verify_paths(ignored);
#ifdef _WIN32
        // OpenSSL's default paths are files of its build; the trusted roots are Windows'.
        add_windows_root_certificates(SSL_CTX_get_cert_store(ctx->native_handle()));
#endif
    }
    if (!tls.ca_file.empty()) {
        ctx->load_verify_file(tls.ca_file, ec);
        if (ec)
            return fail("cannot load the CA file " + tls.ca_file);
    }
    if (!tls.ca_directory.empty()) {
        ctx->add_verify_path(tls.ca_directory, ec);
        if (ec)
            return fail("cannot use the CA directory " + tls.ca_directory);
    }
    return ctx;
}

} // namespace detail

/// The TLS client context for `tls`'s trust settings (CA file, CA directory, system store,
/// insecure_skip_verify; `tls.context` when set, as it is). Contexts are made once per process
/// and trust configuration, then shared. A CA file or directory is read when its context is first
/// made; later changes to it are seen only by a context made anew (pass your own in
/// tls_options::context). Thread-safe. A CA file or directory that cannot be loaded gives null,
/// with `ec` set and `diag->detail` naming the file.
inline std::shared_ptr<boost::asio::ssl::context>
shared_tls_context(const tls_options& tls, error_code& ec, diagnostics* diag = nullptr) {
    ec.clear();
    if (tls.context)
        return tls.context;
    struct entry {
        std::string ca_file, ca_directory;
        bool system_store, insecure;
        std::shared_ptr<boost::asio::ssl::context> context;
    };
    static std::mutex mutex;
    static std::vector<entry> cache; // a handful of configurations per process, in practice
    const std::lock_guard<std::mutex> lock(mutex);
    for (const entry& e : cache)
        if (e.insecure == tls.insecure_skip_verify &&
            (e.insecure || (e.ca_file == tls.ca_file && e.ca_directory == tls.ca_directory &&
                            e.system_store == tls.use_system_store)))
            return e.context;
    auto ctx = detail::make_tls_context(tls, ec, diag);
    if (!ctx)
        return nullptr;
    constexpr std::size_t max_entries = 16;
    if (cache.size() == max_entries)
        cache.erase(cache.begin());
    cache.push_back(
        {tls.ca_file, tls.ca_directory, tls.use_system_store, tls.insecure_skip_verify, ctx});
    return ctx;
}

/// As above; throws keyops::exception if a CA file or directory cannot be loaded.
inline std::shared_ptr<boost::asio::ssl::context> shared_tls_context(const tls_options& tls) {
    error_code ec;
    diagnostics diag;
    auto ctx = shared_tls_context(tls, ec, &diag);
    if (ec)
        throw exception(ec, std::move(diag));
    return ctx;
}

} // namespace keyops

#endif
