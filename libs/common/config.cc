#include "libs/common/config.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

extern char** environ;

namespace cs {

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)),
                std::string(entry.substr(eq + 1)));
  }
  return env;
}

ConfigParser::ConfigParser(std::string program, std::string env_prefix)
    : program_(std::move(program)), env_prefix_(std::move(env_prefix)) {}

std::string ConfigParser::EnvName(absl::string_view name) const {
  return env_prefix_ +
         absl::AsciiStrToUpper(absl::StrReplaceAll(name, {{"-", "_"}}));
}

void ConfigParser::Add(Setting setting) { settings_.push_back(std::move(setting)); }

void ConfigParser::AddString(absl::string_view name, std::string* target,
                             absl::string_view help, bool required) {
  Add({std::string(name), std::string(help), *target, required, false,
       [target](absl::string_view v) {
         *target = std::string(v);
         return absl::OkStatus();
       }});
}

namespace {

template <typename Int>
std::function<absl::Status(absl::string_view)> IntSetter(Int* target,
                                                         int64_t min,
                                                         int64_t max) {
  return [target, min, max](absl::string_view v) {
    int64_t parsed;
    if (!absl::SimpleAtoi(v, &parsed)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", v, "\" is not an integer"));
    }
    if (parsed < min || parsed > max) {
      return absl::InvalidArgumentError(
          absl::StrCat(parsed, " is outside [", min, ", ", max, "]"));
    }
    *target = static_cast<Int>(parsed);
    return absl::OkStatus();
  };
}

}  // namespace

void ConfigParser::AddInt64(absl::string_view name, int64_t* target,
                            absl::string_view help, int64_t min, int64_t max) {
  Add({std::string(name), std::string(help), absl::StrCat(*target), false,
       false, IntSetter(target, min, max)});
}

void ConfigParser::AddInt(absl::string_view name, int* target,
                          absl::string_view help, int64_t min, int64_t max) {
  Add({std::string(name), std::string(help), absl::StrCat(*target), false,
       false, IntSetter(target, min, max)});
}

void ConfigParser::AddBool(absl::string_view name, bool* target,
                           absl::string_view help) {
  Add({std::string(name), std::string(help), *target ? "true" : "false", false,
       true, [target](absl::string_view v) {
         std::string lower = absl::AsciiStrToLower(v);
         if (lower == "true" || lower == "1" || lower == "yes") {
           *target = true;
         } else if (lower == "false" || lower == "0" || lower == "no") {
           *target = false;
         } else {
           return absl::InvalidArgumentError(
               absl::StrCat("\"", v, "\" is not a boolean (true/false)"));
         }
         return absl::OkStatus();
       }});
}

void ConfigParser::AddDuration(absl::string_view name, absl::Duration* target,
                               absl::string_view help, absl::Duration min,
                               absl::Duration max) {
  Add({std::string(name), std::string(help), absl::FormatDuration(*target),
       false, false, [target, min, max](absl::string_view v) {
         absl::Duration parsed;
         if (!absl::ParseDuration(std::string(v), &parsed)) {
           return absl::InvalidArgumentError(absl::StrCat(
               "\"", v, "\" is not a duration (e.g. 500ms, 30s, 5m)"));
         }
         if (parsed < min || parsed > max) {
           return absl::InvalidArgumentError(absl::StrCat(
               absl::FormatDuration(parsed), " is outside [",
               absl::FormatDuration(min), ", ", absl::FormatDuration(max),
               "]"));
         }
         *target = parsed;
         return absl::OkStatus();
       }});
}

void ConfigParser::AddChoice(absl::string_view name, std::string* target,
                             absl::string_view help,
                             std::vector<std::string> choices) {
  std::string full_help =
      absl::StrCat(help, " (one of: ", absl::StrJoin(choices, ", "), ")");
  Add({std::string(name), full_help, *target, false, false,
       [target, choices](absl::string_view v) {
         if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
           return absl::InvalidArgumentError(
               absl::StrCat("\"", v, "\" is not one of: ",
                            absl::StrJoin(choices, ", ")));
         }
         *target = std::string(v);
         return absl::OkStatus();
       }});
}

absl::Status ConfigParser::Parse(int argc, const char* const* argv,
                                 const Environment& env) {
  std::map<std::string, std::string> from_flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg(argv[i]);
    if (!absl::StartsWith(arg, "--")) {
      positional_.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    if (arg == "help") {
      help_requested_ = true;
      continue;
    }
    std::string name;
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
    }
    auto it = std::find_if(settings_.begin(), settings_.end(),
                           [&](const Setting& s) { return s.name == name; });
    if (it == settings_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(program_, ": unknown flag --", name));
    }
    if (!value.has_value()) {
      if (it->is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(program_, ": flag --", name, " needs a value"));
      }
    }
    from_flags[name] = *value;
  }
  for (const Setting& setting : settings_) {
    std::string source;
    std::optional<std::string> value;
    if (auto f = from_flags.find(setting.name); f != from_flags.end()) {
      value = f->second;
      source = absl::StrCat("--", setting.name);
    } else if (auto e = env.find(EnvName(setting.name)); e != env.end()) {
      value = e->second;
      source = absl::StrCat(EnvName(setting.name), " (environment)");
    }
    if (!value.has_value()) {
      if (setting.required && !help_requested_) {
        return absl::InvalidArgumentError(
            absl::StrCat(program_, ": --", setting.name, " (or ",
                         EnvName(setting.name), ") is required"));
      }
      continue;
    }
    if (absl::Status s = setting.set(*value); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(program_, ": ", source, ": ", s.message()));
    }
    given_.insert(setting.name);
  }
  return absl::OkStatus();
}

std::string ConfigParser::Usage() const {
  std::string out = absl::StrCat("Usage: ", program_, " [flags]\n");
  for (const Setting& s : settings_) {
    absl::StrAppend(&out, "  --", s.name, "  (env ", EnvName(s.name), ")  ",
                    s.help);
    if (s.required) {
      absl::StrAppend(&out, " [required]");
    } else {
      absl::StrAppend(&out, " [default: ", s.default_text, "]");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace cs
