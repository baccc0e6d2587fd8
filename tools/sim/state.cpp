// keyops-sim: the state file (--state-file), which lets a simulator that was stopped or killed
// start again where it was: the same jobs, schedules and runs, tokens, rotation, request counts,
// id generators and certificate. It is one JSON document, written whole to PATH.tmp and renamed
// over PATH after every request, so that a reader (or a restart after SIGKILL) finds either the old
// state or the new one, never a part. Fault rules are not kept: a restart begins with the --fault
// ones.
#include "router.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace keyops_sim {

namespace {

constexpr int kStateVersion = 1;

std::string hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string unhex(std::string_view text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        throw std::runtime_error("a key is not hexadecimal");
    };
    if (text.size() % 2 != 0)
        throw std::runtime_error("a key is not hexadecimal");
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2)
        out += static_cast<char>(nibble(text[i]) * 16 + nibble(text[i + 1]));
    return out;
}

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Each part's state.

json::object Tokens::save() const {
    json::object a, r, n;
    for (const auto& [token, rec] : access) {
        json::object o;
        o["user"] = rec.user;
        o["exp"] = time_count(rec.exp);
        a[token] = std::move(o);
    }
    for (const auto& [token, rec] : refresh) {
        json::object o;
        o["user"] = rec.user;
        o["id"] = rec.id;
        o["expires"] = time_count(rec.expires);
        o["created"] = time_count(rec.created);
        o["updated"] = time_count(rec.updated);
        o["labels"] = to_array(rec.labels);
        r[token] = std::move(o);
    }
    for (const auto& [token, rec] : ni_tokens) {
        json::object o;
        o["user"] = rec.user;
        o["expiry"] = time_count(rec.expiry);
        n[token] = std::move(o);
    }
    json::object out;
    out["access"] = std::move(a);
    out["refresh"] = std::move(r);
    out["ni"] = std::move(n);
    return out;
}

void Tokens::restore(const json::object& in) {
    clear();
    for (const auto& kv : in.at("access").as_object()) {
        const json::object& o = kv.value().as_object();
        access[std::string(kv.key())] = Access{str(o.at("user")), time_from_count(o.at("exp"))};
    }
    for (const auto& kv : in.at("refresh").as_object()) {
        const json::object& o = kv.value().as_object();
        RefreshToken rec{str(o.at("user")),
                         str(o.at("id")),
                         time_from_count(o.at("expires")),
                         Time(),
                         Time(),
                         {}};
        // Files of older simulators lack the times and labels: the expiry stands in.
        rec.created = o.contains("created") ? time_from_count(o.at("created")) : rec.expires;
        rec.updated = o.contains("updated") ? time_from_count(o.at("updated")) : rec.created;
        if (auto* l = o.if_contains("labels"); l && !string_array(*l, rec.labels))
            throw std::runtime_error("a refresh token's labels are not strings");
        refresh[std::string(kv.key())] = std::move(rec);
    }
    for (const auto& kv : in.at("ni").as_object()) {
        const json::object& o = kv.value().as_object();
        ni_tokens[std::string(kv.key())] =
            NiToken{str(o.at("user")), time_from_count(o.at("expiry"))};
    }
}

json::object CipherTrustAuth::save() const {
    json::object ids;
    for (const auto& [user, id] : user_ids)
        ids[user] = id;
    json::object out;
    out["client_id"] = client_id;
    out["signing_key"] = hex(hmac_key);
    out["user_ids"] = std::move(ids);
    return out;
}

void CipherTrustAuth::restore(const json::object& in) {
    client_id = str(in.at("client_id"));
    hmac_key = unhex(in.at("signing_key").as_string());
    user_ids.clear();
    for (const auto& kv : in.at("user_ids").as_object())
        user_ids[std::string(kv.key())] = str(kv.value());
}

json::object NetworkInsight::save() const {
    json::object out;
    if (rotation) {
        json::object r;
        r["started"] = time_count(rotation->started);
        r["seconds"] = rotation->seconds;
        r["fail"] = rotation->fail;
        r["failed_ids"] = to_array(rotation->failed_ids);
        r["user"] = rotation->user;
        r["settled"] = rotation->settled;
        out["rotation"] = std::move(r);
    }
    out["fail_next_rotation"] = fail_next_rotation;
    out["fail_collectors"] = to_array(fail_collectors);
    out["key_updated"] = time_count(key_updated);
    out["key_updated_by"] = key_updated_by;
    return out;
}

void NetworkInsight::restore(const json::object& in) {
    rotation.reset();
    if (auto* rv = in.if_contains("rotation")) {
        const json::object& o = rv->as_object();
        Rotation r;
        r.started = time_from_count(o.at("started"));
        r.seconds = o.at("seconds").to_number<double>();
        r.fail = o.at("fail").as_bool();
        string_array(o.at("failed_ids"), r.failed_ids);
        r.user = str(o.at("user"));
        r.settled = o.at("settled").as_bool();
        rotation = std::move(r);
    }
    fail_next_rotation = in.at("fail_next_rotation").as_bool();
    string_array(in.at("fail_collectors"), fail_collectors);
    key_updated = time_from_count(in.at("key_updated"));
    key_updated_by = str(in.at("key_updated_by"));
}

// ---------------------------------------------------------------------------------------------
// The file.

void Sim::Impl::load_state() {
    std::ifstream in(cfg.state_file, std::ios::binary);
    if (!in)
        return; // a first start: the file is made by the first save
    std::ostringstream text;
    text << in.rdbuf();
    const std::string where = "state file " + cfg.state_file + ": ";
    boost::system::error_code ec;
    json::value doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object())
        throw std::runtime_error(where + "not a JSON object");
    try {
        const json::object& o = doc.as_object();
        if (o.at("version").to_number<int>() != kStateVersion)
            throw std::runtime_error("written by another version of keyops-sim");
        cfg.seed = o.at("seed").to_number<std::uint64_t>();
        if (!set_rng_state(token_rng, o.at("token_rng").as_string()))
            throw std::runtime_error("the token generator's state is not readable");
        tokens.restore(o.at("tokens").as_object());
        auth.restore(o.at("auth").as_object());
        jobs.restore(o.at("jobs").as_object());
        ni.restore(o.at("ni").as_object());
        if (auto* s = o.if_contains("scheduler")) // absent from files of older simulators
            scheduler.restore(s->as_object());
        stats.clear();
        for (const auto& kv : o.at("stats").as_object())
            stats[std::string(kv.key())] = kv.value().to_number<long>();
        total = o.at("total").to_number<long>();
        if (auto* tls = o.if_contains("tls")) {
            cert_pem = str(tls->as_object().at("cert"));
            key_pem = str(tls->as_object().at("key"));
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(where + e.what());
    }
}

void Sim::Impl::save_state() {
    json::object o;
    o["version"] = kStateVersion;
    o["seed"] = cfg.seed;
    o["token_rng"] = rng_state(token_rng);
    o["tokens"] = tokens.save();
    o["auth"] = auth.save();
    o["jobs"] = jobs.save();
    o["ni"] = ni.save();
    o["scheduler"] = scheduler.save();
    json::object s;
    for (const auto& [k, v] : stats)
        s[k] = v;
    o["stats"] = std::move(s);
    o["total"] = total;
    if (!cert_pem.empty()) {
        json::object tls;
        tls["cert"] = cert_pem;
        tls["key"] = key_pem;
        o["tls"] = std::move(tls);
    }
    const std::string text = json::serialize(o);
    const std::string tmp = cfg.state_file + ".tmp";
    // 0600: the file holds the simulator's tokens and keys.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write_all(fd, text);
    if (fd >= 0 && ::close(fd) != 0)
        ok = false;
    if (ok && std::rename(tmp.c_str(), cfg.state_file.c_str()) != 0)
        ok = false;
    if (!ok && !state_write_failed)
        std::fprintf(stderr, "keyops-sim: cannot write the state file %s: %s\n",
                     cfg.state_file.c_str(), std::strerror(errno));
    state_write_failed = !ok;
}

Reply Sim::Impl::jobs_summary(Time now) const {
    json::object o;
    o["jobs"] = jobs.summary(now);
    return json_reply(200, o);
}

bool Sim::stored_certificate(std::string& cert_pem, std::string& key_pem) const {
    if (impl_->cert_pem.empty())
        return false;
    cert_pem = impl_->cert_pem;
    key_pem = impl_->key_pem;
    return true;
}

void Sim::keep_certificate(const std::string& cert_pem, const std::string& key_pem) {
    impl_->cert_pem = cert_pem;
    impl_->key_pem = key_pem;
    if (!impl_->cfg.state_file.empty())
        impl_->save_state();
}

} // namespace keyops_sim
