#ifndef KEYOPS_DIAGNOSTICS_HPP
#define KEYOPS_DIAGNOSTICS_HPP

// What went wrong, beyond the error code: where in a JSON body a parse failed. Modelled on
// Boost.MySQL's diagnostics: passed by reference next to an error_code, cleared on success, and
// carried by keyops::exception in the throwing overloads. Never holds a secret: values from the
// body are never copied into it, only paths, offsets and type names.

#include <keyops/error.hpp>

#include <boost/system/system_error.hpp>

#include <cstddef>
#include <string>

namespace keyops {

class diagnostics {
public:
    /// JSON Pointer (RFC 6901) of the value where parsing stopped, e.g. `/resources/3/abort`;
    /// empty for the whole document.
    std::string json_path;
    /// Byte offset in the body where parsing stopped.
    std::size_t json_offset = 0;
    /// A human-readable detail, e.g. "expected a string, found a number".
    std::string detail;

    void clear() {
        json_path.clear();
        json_offset = 0;
        detail.clear();
    }

    /// One line for logs and exception texts, e.g.
    /// `JSON value has the wrong type at /resources/3/abort (byte 412): expected a boolean, ...`.
    std::string describe(const error_code& ec) const {
        std::string out = ec.message();
        if (ec.category() == error_category() &&
            ec.value() < static_cast<int>(error::invalid_argument)) {
            out += " at ";
            out += json_path.empty() ? std::string("/") : json_path;
            out += " (byte ";
            out += std::to_string(json_offset);
            out += ')';
        }
        if (!detail.empty()) {
            out += ": ";
            out += detail;
        }
        return out;
    }
};

/// Thrown by the overloads without an error_code; `what()` includes the diagnostics.
class exception : public boost::system::system_error {
public:
    exception(const error_code& ec, diagnostics diag)
        : boost::system::system_error(ec), diag_(std::move(diag)), what_(diag_.describe(ec)) {}

    const char* what() const noexcept override { return what_.c_str(); }
    const diagnostics& get_diagnostics() const noexcept { return diag_; }

private:
    diagnostics diag_;
    std::string what_;
};

} // namespace keyops

#endif
