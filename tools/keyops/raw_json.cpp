#include "raw_json.hpp"

#include <keyops/model/cckm.hpp>
#include <keyops/parse/parse.hpp>

#include <cstddef>

namespace keyops_cli {

namespace {

std::size_t skip_space(std::string_view s, std::size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        ++i;
    return i;
}

// The end of the string that opens at s[i] (a quote).
std::size_t skip_string(std::string_view s, std::size_t i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return s.size();
}

// The end of the value that starts at s[i].
std::size_t skip_value(std::string_view s, std::size_t i) {
    if (i >= s.size())
        return s.size();
    if (s[i] == '"')
        return skip_string(s, i);
    if (s[i] == '{' || s[i] == '[') {
        std::size_t depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = skip_string(s, i);
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return i + 1;
            ++i;
        }
        return s.size();
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
           s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
        ++i;
    return i;
}

} // namespace

std::vector<std::string_view> member_array_elements(std::string_view body, std::string_view name) {
    std::vector<std::string_view> out;
    std::size_t i = skip_space(body, 0);
    if (i >= body.size() || body[i] != '{')
        return out;
    i = skip_space(body, i + 1);
    while (i < body.size() && body[i] == '"') {
        const std::size_t key_end = skip_string(body, i);
        const std::string_view key = body.substr(i + 1, key_end - i - 2);
        i = skip_space(body, key_end);
        if (i >= body.size() || body[i] != ':')
            return out;
        i = skip_space(body, i + 1);
        if (key == name) {
            if (i >= body.size() || body[i] != '[')
                return out;
            i = skip_space(body, i + 1);
            while (i < body.size() && body[i] != ']') {
                const std::size_t end = skip_value(body, i);
                out.push_back(body.substr(i, end - i));
                i = skip_space(body, end);
                if (i < body.size() && body[i] == ',')
                    i = skip_space(body, i + 1);
            }
            return out;
        }
        i = skip_space(body, skip_value(body, i));
        if (i < body.size() && body[i] == ',')
            i = skip_space(body, i + 1);
    }
    return out;
}

std::string_view raw_job_text(std::string_view body, const keyops::cckm::job& job) {
    const std::vector<std::string_view> elements = member_array_elements(body, "resources");
    if (elements.empty()) {
        // A single job: the body itself, without surrounding white space.
        const std::size_t b = skip_space(body, 0);
        std::size_t e = body.size();
        while (e > b && (body[e - 1] == ' ' || body[e - 1] == '\t' || body[e - 1] == '\r' ||
                         body[e - 1] == '\n'))
            --e;
        return body.substr(b, e - b);
    }
    // The parsed job's views point into its element of the page (an id with escapes was
    // decoded elsewhere: then the ids are compared).
    for (std::string_view element : elements)
        if (!job.id.empty() && job.id.data() >= element.data() &&
            job.id.data() < element.data() + element.size())
            return element;
    for (std::string_view element : elements) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        auto j = keyops::parse_borrowed<keyops::cckm::job>(element, ec, diag);
        if (!ec && j->id == job.id)
            return element;
    }
    return {};
}

std::string json_array_of(const std::vector<std::string_view>& elements) {
    std::string out = "[";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i)
            out += ',';
        out += elements[i];
    }
    out += ']';
    return out;
}

} // namespace keyops_cli
