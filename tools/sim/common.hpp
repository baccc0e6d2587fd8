// keyops-sim: helpers shared by the parts of the simulated servers (text, time, ids, JSON
// values) and the error replies in each server's shape. Defined in common.cpp.
#ifndef KEYOPS_SIM_COMMON_HPP
#define KEYOPS_SIM_COMMON_HPP

#include "sim.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

namespace json = boost::json;

// Text.
std::string lower(std::string_view s);
bool icontains(std::string_view hay, std::string_view needle);
bool starts_with(std::string_view s, std::string_view p);
std::string_view trim(std::string_view s);

// Time.
Time trunc_us(Time t);
long long to_ms(Time t);
long long to_s(Time t);
Clock::duration secs(double s);
// A time as a count of the clock's ticks since the epoch, and back (the state file's form).
std::int64_t time_count(Time t);
Time time_from_count(const json::value& v);

// Random bytes and ids.
std::string base64(std::string_view in, bool url);
std::string random_bytes(std::mt19937_64& rng, std::size_t n);
std::string uuid4(std::mt19937_64& rng);
// A generator's whole state as text, and back (false if the text is not one).
std::string rng_state(const std::mt19937_64& rng);
bool set_rng_state(std::mt19937_64& rng, std::string_view text);

// Values read from requests, and arrays written to replies.
bool parse_nonneg(std::string_view s, long long& out);
bool json_int(const json::value& v, long long& out);
bool string_array(const json::value& v, std::vector<std::string>& out);
json::array to_array(const std::vector<std::string>& v);

// Replies.
Reply json_reply(int status, const json::value& v);
Reply cckm_error(int status, int code, std::string code_desc, std::string_view message);
Reply cckm_invalid(std::string_view text);
Reply cckm_bad(std::string_view text);
Reply cckm_not_found(std::string_view text);
Reply ni_error(int status, std::string_view message, std::string_view target);
Reply admin_error(int status, std::string_view message);
// True for Network Insight's paths.
bool is_ni_path(std::string_view path);
// An error in the shape of whichever server owns `path`.
Reply shaped_error(int status, std::string_view path, std::string_view text);
Reply method_not_allowed(std::string_view path, std::string_view allow);

} // namespace keyops_sim

#endif
