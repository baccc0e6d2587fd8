#ifndef KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP
#define KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP

// A request as the bytes it goes on the wire as.

#include <keyops/error.hpp>
#include <keyops/http.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace keyops::detail {

// Appends the request as it goes on the wire: the request line, each field as `name: value`,
// the blank line, the body (as one chunk and the last chunk when the request is chunked); byte
// for byte what Beast's serializer writes (a unit test compares them), at a fraction of its cost
// and without instantiating it.
inline error_code serialize_into(const http_request& req, std::string& out) {
    const auto method = req.method_string();
    const auto target = req.target();
    const std::string& body = req.body();
    const bool chunked = req.chunked();
    std::size_t size = method.size() + 1 + target.size() + 11 + 2 + body.size() + 32;
    for (const auto& f : req)
        size += f.name_string().size() + 2 + f.value().size() + 2;
    out.reserve(out.size() + size);
    out.append(method.data(), method.size());
    if (!target.empty()) {
        out += ' ';
        out.append(target.data(), target.size());
    }
    const unsigned v = req.version();
    const char version[] = {' ',
                            'H',
                            'T',
                            'T',
                            'P',
                            '/',
                            static_cast<char>('0' + v / 10),
                            '.',
                            static_cast<char>('0' + v % 10),
                            '\r',
                            '\n'};
    out.append(version, sizeof version);
    for (const auto& f : req) {
        const auto name = f.name_string();
        const auto value = f.value();
        out.append(name.data(), name.size());
        out.append(": ", 2);
        out.append(value.data(), value.size());
        out.append("\r\n", 2);
    }
    out.append("\r\n", 2);
    if (!chunked) {
        out.append(body);
        return {};
    }
    if (!body.empty()) {
        char hex[2 * sizeof(std::size_t)];
        std::size_t n = 0;
        for (std::size_t v = body.size(); v != 0; v >>= 4)
            hex[n++] = "0123456789abcdef"[v & 15];
        while (n != 0)
            out += hex[--n];
        out.append("\r\n", 2);
        out.append(body);
        out.append("\r\n", 2);
    }
    out.append("0\r\n\r\n", 5);
    return {};
}

// A CONNECT request for a proxy tunnel to `authority` (host:port), as Beast's serializer writes
// it with these two fields.
inline void write_connect(std::string_view authority, std::string_view user_agent,
                          std::string& out) {
    out.append("CONNECT ", 8);
    out.append(authority.data(), authority.size());
    out.append(" HTTP/1.1\r\nHost: ", 17);
    out.append(authority.data(), authority.size());
    out.append("\r\nUser-Agent: ", 14);
    out.append(user_agent.data(), user_agent.size());
    out.append("\r\n\r\n", 4);
}

} // namespace keyops::detail

#endif
