// keyops-sim: helpers shared by the parts of the simulated servers (text, time, ids, JSON
// values) and the error replies in each server's shape. Defined in common.cpp.
#ifndef KEYOPS_SIM_COMMON_HPP
#define KEYOPS_SIM_COMMON_HPP

#include "sim.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
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

// Whether a request's Accept header lets the answer be JSON, as a real CipherTrust Manager
// decides: no header (Go, PowerShell), `*/*` (Python's requests), `application/*` or
// `application/json`, alone or in a list; a media range with q=0 does not count.
bool accepts_json(std::string_view accept);

// One query parameter of a CipherTrust list's paging: `skip` (a non-negative integer) and
// `limit` (1..1000, or -1 for every item on one page); other keys are left alone. False with
// the 400 in `bad` for a bad value.
bool paging_param(std::string_view key, std::string_view value, long long& skip, long long& limit,
                  Reply& bad);
// The list envelope {skip, limit, total, resources} of the page of `all` that skip and limit
// select (limit -1: every item from skip on, and -1 echoed).
json::object page_of(json::array all, long long skip, long long limit);

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
