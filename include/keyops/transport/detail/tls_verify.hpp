#ifndef KEYOPS_TRANSPORT_DETAIL_TLS_VERIFY_HPP
#define KEYOPS_TRANSPORT_DETAIL_TLS_VERIFY_HPP

// Certificate verification with a reason: which check refused the server's certificate, in
// words a user can act on.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <string>

namespace keyops::detail {

// The names a certificate is for: its subjectAltName DNS names and IP addresses, else its
// subject's common name.
inline std::string certificate_names(X509* cert) {
    std::string out;
    auto add = [&out](const std::string& name) {
        if (!out.empty())
            out += ", ";
        out += name;
    };
    if (auto* names = static_cast<GENERAL_NAMES*>(
            X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
            if (g->type == GEN_DNS) {
                const ASN1_STRING* s = g->d.dNSName;
                add(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                static_cast<std::size_t>(ASN1_STRING_length(s))));
            } else if (g->type == GEN_IPADD) {
                const ASN1_STRING* s = g->d.iPAddress;
                const unsigned char* d = ASN1_STRING_get0_data(s);
                if (ASN1_STRING_length(s) == 4) {
                    boost::asio::ip::address_v4::bytes_type b;
                    std::copy(d, d + 4, b.begin());
                    add(boost::asio::ip::address_v4(b).to_string());
                } else if (ASN1_STRING_length(s) == 16) {
                    boost::asio::ip::address_v6::bytes_type b;
                    std::copy(d, d + 16, b.begin());
                    add(boost::asio::ip::address_v6(b).to_string());
                }
            }
        }
        GENERAL_NAMES_free(names);
    }
    if (out.empty()) {
        char cn[256];
        const int n =
            X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
        if (n > 0)
            out.assign(cn, static_cast<std::size_t>(n));
    }
    return out.empty() ? std::string("no name") : out;
}

// Certificate verification: OpenSSL's chain checks, then Asio's host-name check on the leaf.
// The first failure is described in `*failure`.
struct verify_peer {
    std::string host;
    std::string* failure;

    bool operator()(bool preverified, boost::asio::ssl::verify_context& vc) const {
        X509_STORE_CTX* ctx = vc.native_handle();
        if (!preverified) {
            if (failure->empty())
                *failure = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
            return false;
        }
        if (X509_STORE_CTX_get_error_depth(ctx) > 0)
            return true;
        if (boost::asio::ssl::host_name_verification(host)(preverified, vc))
            return true;
        if (failure->empty()) {
            X509* cert = X509_STORE_CTX_get_current_cert(ctx);
            *failure = "host name mismatch: certificate is for " +
                       (cert ? certificate_names(cert) : std::string("no name")) + ", asked for " +
                       host;
        }
        return false;
    }
};

} // namespace keyops::detail

#endif
