#include "completion.hpp"

#include "args.hpp"

#include <keyops/version.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace keyops_cli {

namespace {

// What the usage text says: the commands with their subcommands and options, the global
// options, and the kinds.
struct usage_facts {
    std::map<std::string, std::set<std::string>> subcommands; // jobs -> list, get, ...
    std::map<std::string, std::set<std::string>> options;     // "jobs list" -> --status, ...
    std::set<std::string> words;                              // completion bash: bash zsh fish
    std::set<std::string> globals;
    std::vector<std::string> kinds;
    std::set<std::string> takes_kind; // "jobs list", ...
};

std::vector<std::string> flags_in(const std::string& line) {
    std::vector<std::string> out;
    for (std::size_t at = line.find("--"); at != std::string::npos; at = line.find("--", at)) {
        std::size_t end = at + 2;
        while (end < line.size() &&
               (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-'))
            ++end;
        if (end > at + 2)
            out.push_back(line.substr(at, end - at));
        at = end;
    }
    return out;
}

usage_facts read_usage() {
    usage_facts f;
    std::istringstream in(usage_text());
    std::string line, command, sub;
    enum class part { head, commands, kinds, options, other } at = part::head;
    while (std::getline(in, line)) {
        if (line.rfind("Commands:", 0) == 0) {
            at = part::commands;
            continue;
        }
        if (line.rfind("KIND:", 0) == 0)
            at = part::kinds;
        else if (line.rfind("Options", 0) == 0)
            at = part::options;
        else if (line.empty() && at == part::kinds)
            at = part::other;
        if (at == part::commands && line.rfind("  ", 0) == 0) {
            if (line[2] != ' ')
                line = line.substr(0, line.find("   ", 2)); // without a description
            std::istringstream words(line);
            std::string first, second;
            if (line[2] != ' ') { // a command line; others continue the one above
                words >> first >> second;
                command = first;
                sub = second.find('|') == std::string::npos ? second : "";
                if (!sub.empty() && sub[0] != '-' && sub[0] != '[' &&
                    !std::isupper(static_cast<unsigned char>(sub[0])))
                    f.subcommands[command].insert(sub);
                else if (second.find('|') != std::string::npos) {
                    std::istringstream alts(second);
                    for (std::string w; std::getline(alts, w, '|');)
                        f.subcommands[command].insert(w);
                    sub.clear();
                } else {
                    sub.clear();
                    f.subcommands[command];
                }
            }
            const std::string key = command + (sub.empty() ? "" : " " + sub);
            f.options[key];
            for (const auto& flag : flags_in(line))
                f.options[key].insert(flag);
            if (line.find("KIND") != std::string::npos)
                f.takes_kind.insert(key);
        } else if (at == part::kinds) {
            std::istringstream words(line.rfind("KIND:", 0) == 0 ? line.substr(5) : line);
            for (std::string w; words >> w;) {
                if (!w.empty() && w.back() == ',')
                    w.pop_back();
                f.kinds.push_back(w);
            }
        } else if (at == part::options && line.rfind("Options", 0) != 0 &&
                   line.rfind("  ", 0) != 0) {
            at = part::other; // the prose after the option list
        } else if (at == part::options) {
            for (const auto& flag : flags_in(line))
                f.globals.insert(flag);
            if (line.rfind("  -v,", 0) == 0)
                f.globals.insert("-v");
        }
    }
    return f;
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& w : s)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& w : v)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

std::set<std::string> commands_of(const usage_facts& f) {
    std::set<std::string> out;
    for (const auto& [c, subs] : f.subcommands)
        out.insert(c);
    return out;
}

std::string bash_script(const usage_facts& f) {
    std::ostringstream o;
    o << "# bash completion for keyops (keyops completion bash)\n"
      << "_keyops() {\n"
      << "    local cur=${COMP_WORDS[COMP_CWORD]} cmd= sub= i w\n"
      << "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "        w=${COMP_WORDS[i]}\n"
      << "        [[ $w == -* ]] && continue\n"
      << "        if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi\n"
      << "    done\n"
      << "    local globals='" << joined(f.globals) << "'\n"
      << "    local words=\n"
      << "    case \"$cmd $sub\" in\n";
    for (const auto& [key, flags] : f.options) {
        if (key.find(' ') == std::string::npos)
            continue;
        o << "    '" << key << "') words=\"" << joined(flags)
          << (f.takes_kind.count(key) ? " " + joined(f.kinds) : std::string()) << "\" ;;\n";
    }
    for (const auto& [c, subs] : f.subcommands)
        if (!subs.empty())
            o << "    '" << c << " ') words='" << joined(subs) << "' ;;\n";
    o << "    ' ') words='" << joined(commands_of(f)) << "' ;;\n"
      << "    esac\n"
      << "    COMPREPLY=($(compgen -W \"$words $globals\" -- \"$cur\"))\n"
      << "}\n"
      << "complete -o default -F _keyops keyops\n";
    return o.str();
}

std::string zsh_script(const usage_facts& f) {
    std::ostringstream o;
    o << "#compdef keyops\n# zsh completion for keyops (keyops completion zsh)\n"
      << "_keyops() {\n"
      << "    local -a words_; local cmd= sub= w\n"
      << "    for w in ${words[2,CURRENT-1]}; do\n"
      << "        [[ $w == -* ]] && continue\n"
      << "        if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi\n"
      << "    done\n"
      << "    case \"$cmd $sub\" in\n";
    for (const auto& [key, flags] : f.options) {
        if (key.find(' ') == std::string::npos)
            continue;
        o << "    '" << key << "') words_=(" << joined(flags) << " " << joined(f.kinds) << ") ;;\n";
    }
    for (const auto& [c, subs] : f.subcommands)
        if (!subs.empty())
            o << "    '" << c << " ') words_=(" << joined(subs) << ") ;;\n";
    o << "    ' ') words_=(" << joined(commands_of(f)) << ") ;;\n"
      << "    esac\n"
      << "    compadd -- $words_ " << joined(f.globals) << "\n"
      << "}\n"
      << "compdef _keyops keyops\n";
    return o.str();
}

std::string fish_script(const usage_facts& f) {
    std::ostringstream o;
    o << "# fish completion for keyops (keyops completion fish)\n"
      << "complete -c keyops -f\n";
    for (const auto& g : f.globals)
        if (g.rfind("--", 0) == 0)
            o << "complete -c keyops -l " << g.substr(2) << '\n';
    o << "complete -c keyops -n __fish_use_subcommand -a '" << joined(commands_of(f)) << "'\n";
    for (const auto& [c, subs] : f.subcommands)
        if (!subs.empty())
            o << "complete -c keyops -n '__fish_seen_subcommand_from " << c << "' -a '"
              << joined(subs) << "'\n";
    for (const auto& [key, flags] : f.options) {
        const auto space = key.find(' ');
        if (space == std::string::npos)
            continue;
        const std::string sub = key.substr(space + 1);
        for (const auto& flag : flags)
            o << "complete -c keyops -n '__fish_seen_subcommand_from " << sub << "' -l "
              << flag.substr(2) << '\n';
        if (f.takes_kind.count(key))
            o << "complete -c keyops -n '__fish_seen_subcommand_from " << sub << "' -a '"
              << joined(f.kinds) << "'\n";
    }
    return o.str();
}

// Text for roff: backslashes doubled, and a line never starts with a control character.
std::string roff(const std::string& line) {
    std::string out;
    for (char c : line) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\''))
        out = "\\&" + out;
    return out;
}

} // namespace

std::string completion_script(const std::string& shell) {
    const usage_facts f = read_usage();
    if (shell == "bash")
        return bash_script(f);
    if (shell == "zsh")
        return zsh_script(f);
    if (shell == "fish")
        return fish_script(f);
    throw usage_error("completion takes bash, zsh or fish, not '" + shell + "'");
}

std::string man_page() {
    std::ostringstream o;
    o << ".TH KEYOPS 1 \"\" \"keyops " KEYOPS_VERSION_STRING "\" \"User Commands\"\n"
      << ".SH NAME\nkeyops \\- start, watch, cancel and wait for CipherTrust Manager CCKM jobs, "
         "their schedules and Network Insight proxy key rotations\n";
    std::istringstream in(usage_text());
    std::string line;
    bool first = true;
    o << ".SH SYNOPSIS\n";
    while (std::getline(in, line)) {
        if (first) {
            o << ".B " << roff(line.substr(line.find("keyops"))) << "\n.SH DESCRIPTION\n.nf\n";
            first = false;
            continue;
        }
        o << roff(line) << '\n';
    }
    o << ".fi\n";
    return o.str();
}

} // namespace keyops_cli
