// The table of job kinds of kinds.hpp, made from the library's kind types.

#include "kinds.hpp"

#include "start_bodies.hpp"

#include <array>
#include <type_traits>
#include <utility>

namespace keyops_cli {

namespace {

namespace cckm = keyops::cckm;

// One function per modelled body type (seven), not per kind.
template <class Body>
std::string start_body_json(const command_args& a, std::string_view kind) {
    const Body b = make_start_body<Body>(a, kind);
    std::string out;
    b.write_json(out); // fails only for bodies make_start_body refuses to make
    return out;
}

template <class K>
kind_info row() {
    using body = typename K::start_body;
    kind_info k{keyops::cckm::kind_row_of(K::kind), nullptr};
    if constexpr (!std::is_same_v<body, cckm::raw_json_body>)
        k.typed_start_body = &start_body_json<body>;
    return k;
}

const std::array<kind_info, cckm::kind_count> table = std::apply(
    [](auto... k) { return std::array<kind_info, cckm::kind_count>{row<decltype(k)>()...}; },
    cckm::all_kinds{});

} // namespace

const kind_info& kind_info_of(cckm::job_kind k) {
    const auto i = static_cast<std::size_t>(k);
    // As cckm::visit_kind: a value cast from outside the enum is taken as the last kind.
    return table[i < table.size() ? i : table.size() - 1];
}

} // namespace keyops_cli
