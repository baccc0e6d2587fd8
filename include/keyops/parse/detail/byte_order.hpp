#ifndef KEYOPS_PARSE_DETAIL_BYTE_ORDER_HPP
#define KEYOPS_PARSE_DETAIL_BYTE_ORDER_HPP

// Words of bytes read as they lie in memory: the parser's code that looks at 4 or 8 bytes at once
// (timestamps, the scanner's portable path) reads the first byte as the lowest in the word on
// every platform, big-endian ones (s390x) too, where a plain load makes it the highest.

#include <cstdint>
#include <cstring>

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KEYOPS_BIG_ENDIAN 1
#endif

namespace keyops {
namespace detail {

/// True on a platform whose loads put the first byte in the most significant place.
inline constexpr bool big_endian =
#if defined(KEYOPS_BIG_ENDIAN)
    true;
#else
    false;
#endif

inline std::uint64_t byte_swap(std::uint64_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_bswap64(w);
#else
    std::uint64_t r = 0;
    for (int i = 0; i < 8; ++i, w >>= 8)
        r = (r << 8) | (w & 0xFF);
    return r;
#endif
}

inline std::uint32_t byte_swap(std::uint32_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_bswap32(w);
#else
    return (w >> 24) | ((w >> 8) & 0xFF00u) | ((w << 8) & 0xFF0000u) | (w << 24);
#endif
}

/// The 8 bytes at p, the first one in the lowest 8 bits.
inline std::uint64_t load_le64(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (big_endian)
        w = byte_swap(w);
    return w;
}

/// The 4 bytes at p, the first one in the lowest 8 bits.
inline std::uint32_t load_le32(const char* p) noexcept {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    if constexpr (big_endian)
        w = byte_swap(w);
    return w;
}

} // namespace detail
} // namespace keyops

#endif
