// keyops-sim: the fault rules: their JSON and --fault forms, which requests they meet, and what
// they do to a reply.
#ifndef KEYOPS_SIM_FAULTS_HPP
#define KEYOPS_SIM_FAULTS_HPP

#include "sim.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

struct Tokens;

const char* fault_name(FaultKind k);
// Whether a fault of this kind answers in place of the route (status, throttle_text,
// oci_quota): fault_reply() makes the answer.
bool answers_for_route(FaultKind k);
// A rule from its JSON form (POST /__sim/faults); false with `err` set if it is not one.
bool fault_from_json(const boost::json::object& o, Fault& f, std::string& err);
boost::json::object fault_to_json(const Fault& f);

// The installed rules.
struct Faults {
    std::vector<Fault> rules;
    long next_id = 1; // not reset: a rule's id stays unique across resets

    // Back to the rules given at start (--fault).
    void reset(const std::vector<Fault>& initial);
    // Picks the rules a request for `path` meets and counts them down: latencies add up, the
    // first other fault acts, and expire_tokens expires every token in `tokens` at once.
    Plan plan(const Request& req, std::string_view path, Tokens& tokens);
};

// The reply of a status, throttle_text or oci_quota fault, in the error shape of `path`.
// `body` "echo" puts the request's Authorization header and body into every text of the error;
// a body starting with { or [ is sent as it is.
Reply fault_reply(const Fault& f, const Request& req, std::string_view path, Time now);
// A malformed or oversize fault's change to the reply's body; other faults leave it.
void damage_body(const Fault& f, Reply& r);
// How the transport must send the reply of a request that met `f`, and the log's note.
void set_wire(const Fault& f, Reply& r);

} // namespace keyops_sim

#endif
