#include "options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

namespace lambda_emulator {
namespace {

using lambda_relay::make_error;
using lambda_relay::Result;

Result<long> to_number(std::string_view option, std::string_view text, long min, long max) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return make_error("usage", fmt::format("{} expects a number in [{}, {}], got \"{}\"", option, min, max, text));
  }
  return value;
}

std::string simulated(std::string_view action, int duration_ms, int log_lines) {
  return fmt::format(R"({{"action":"{}","duration_ms":{},"log_lines":{}}})", action, duration_ms, log_lines);
}

// The main job's story: a cold start, steady invokes, one function error, one timeout (a reset and a
// suppressed Init follow), more invokes, then spindown.
std::vector<std::string> demo_payloads() {
  return {simulated("ok", 3, 3), simulated("ok", 2, 2), simulated("ok", 5, 4), simulated("error", 2, 1),
          simulated("ok", 2, 2), simulated("timeout", 1, 1), simulated("ok", 3, 2), simulated("ok", 2, 2)};
}

}  // namespace

std::string usage() {
  return R"(usage: lambda-emulator [options]      (see docs/emulator.md)
  --extensions-dir DIR   executables to start as external extensions (default ./extensions)
  --sandbox-root DIR     run extensions chrooted into DIR, taken from DIR/opt/extensions (root only)
  --runtime-cmd CMD      a real runtime, run as /bin/sh -c "exec CMD" (default: simulated function)
  --function-dir DIR     LAMBDA_TASK_ROOT and working directory of the runtime
  --handler NAME         _HANDLER (default index.handler)
  --function-name NAME   AWS_LAMBDA_FUNCTION_NAME (default lambda-emulator-fn)
  --memory MB            memory size (default 128); the runtime is OOM-killed above it
  --timeout SEC          function timeout in seconds (default 3; fractions allowed as ms: --timeout-ms)
  --timeout-ms MS        function timeout in milliseconds
  --invoke JSON          an invoke payload (repeatable, in order)
  --invokes N            N invokes of the default simulated payload
  --scenario demo        the built-in demo: 8 invokes with one error and one timeout, 1 s timeout, sink
  --init-error TYPE      the simulated function fails Init with this error type
  --log-format text|json AWS_LAMBDA_LOG_FORMAT of the function
  --idle-ms MS           how long the sandbox stays frozen between invokes (default 20)
  --runtime-api-host H   host advertised in AWS_LAMBDA_RUNTIME_API (default 127.0.0.1)
  --schema-versions L    Telemetry API schema versions the platform accepts (default
                         2022-07-01,2022-12-13,2025-01-29): plays an older platform
  --env K=V              extra environment variable for the runtime and the extensions (repeatable)
  --sink                 start an embedded upstream and point lambda-relay's upstream variables at it
  --json FILE            write all measurements as JSON
  --strict               exit 3 when the run shows a contract violation (missed deadline, ...)
  --quiet                do not echo process output
)";
}

Result<EmulatorOptions> parse_options(int argc, char** argv) {
  EmulatorOptions o;
  o.function.function_dir = std::filesystem::current_path().string();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return make_error("usage", fmt::format("{} needs a value", arg));
      return std::string(argv[++i]);
    };
    auto take = [&](auto&& apply) -> Result<void> {
      auto v = value();
      if (!v) return v.error();
      return apply(*v);
    };
    Result<void> r;
    if (arg == "--extensions-dir") {
      r = take([&](const std::string& v) -> Result<void> { o.sandbox.extensions_dir = v; return {}; });
    } else if (arg == "--sandbox-root") {
      r = take([&](const std::string& v) -> Result<void> { o.sandbox.sandbox_root = v; return {}; });
    } else if (arg == "--runtime-cmd") {
      r = take([&](const std::string& v) -> Result<void> { o.function.runtime_cmd = v; return {}; });
    } else if (arg == "--function-dir") {
      r = take([&](const std::string& v) -> Result<void> {
        o.function.function_dir = std::filesystem::absolute(v).string();
        return {};
      });
    } else if (arg == "--handler") {
      r = take([&](const std::string& v) -> Result<void> { o.function.handler = v; return {}; });
    } else if (arg == "--function-name") {
      r = take([&](const std::string& v) -> Result<void> { o.function.name = v; return {}; });
    } else if (arg == "--memory") {
      r = take([&](const std::string& v) -> Result<void> {
        auto n = to_number(arg, v, 128, 10240);
        if (!n) return n.error();
        o.function.memory_mb = static_cast<int>(*n);
        return {};
      });
    } else if (arg == "--timeout" || arg == "--timeout-ms") {
      const long scale = arg == "--timeout" ? 1000 : 1;
      r = take([&](const std::string& v) -> Result<void> {
        auto n = to_number(arg, v, 1, 900'000 / scale);
        if (!n) return n.error();
        o.function.timeout = std::chrono::milliseconds(*n * scale);
        return {};
      });
    } else if (arg == "--invoke") {
      r = take([&](const std::string& v) -> Result<void> { o.payloads.push_back(v); return {}; });
    } else if (arg == "--invokes") {
      r = take([&](const std::string& v) -> Result<void> {
        auto n = to_number(arg, v, 0, 100'000);
        if (!n) return n.error();
        for (long k = 0; k < *n; ++k) o.payloads.push_back(simulated("ok", 1, 2));
        return {};
      });
    } else if (arg == "--scenario") {
      r = take([&](const std::string& v) -> Result<void> {
        if (v != "demo") return make_error("usage", fmt::format("unknown scenario \"{}\" (demo)", v));
        o.payloads = demo_payloads();
        o.function.timeout = std::chrono::seconds(1);
        o.sink = true;
        o.idle = std::chrono::milliseconds(50);
        return {};
      });
    } else if (arg == "--init-error") {
      r = take([&](const std::string& v) -> Result<void> { o.function.simulated_init_error = v; return {}; });
    } else if (arg == "--log-format") {
      r = take([&](const std::string& v) -> Result<void> {
        if (v != "text" && v != "json" && v != "Text" && v != "JSON") {
          return make_error("usage", "--log-format expects text or json");
        }
        o.function.log_format = (v == "json" || v == "JSON") ? "JSON" : "Text";
        return {};
      });
    } else if (arg == "--idle-ms") {
      r = take([&](const std::string& v) -> Result<void> {
        auto n = to_number(arg, v, 0, 600'000);
        if (!n) return n.error();
        o.idle = std::chrono::milliseconds(*n);
        return {};
      });
    } else if (arg == "--schema-versions") {
      r = take([&](const std::string& v) -> Result<void> {
        o.telemetry_schema_versions.clear();
        for (std::size_t start = 0; start < v.size();) {
          const auto comma = std::min(v.find(',', start), v.size());
          o.telemetry_schema_versions.push_back(v.substr(start, comma - start));
          start = comma + 1;
        }
        if (o.telemetry_schema_versions.empty()) return make_error("usage", "--schema-versions needs a list");
        return {};
      });
    } else if (arg == "--runtime-api-host") {
      r = take([&](const std::string& v) -> Result<void> { o.runtime_api_host = v; return {}; });
    } else if (arg == "--env") {
      r = take([&](const std::string& v) -> Result<void> {
        if (v.find('=') == std::string::npos) return make_error("usage", "--env expects K=V");
        o.function.extra_env.push_back(v);
        return {};
      });
    } else if (arg == "--json") {
      r = take([&](const std::string& v) -> Result<void> { o.json_path = v; return {}; });
    } else if (arg == "--sink") {
      o.sink = true;
    } else if (arg == "--strict") {
      o.strict = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else {
      r = make_error("usage", fmt::format("unknown option \"{}\"", arg));
    }
    if (!r) return r.error();
  }
  o.sandbox.echo_output = !o.quiet;
  return o;
}

}  // namespace lambda_emulator
