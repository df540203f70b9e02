// picket_bench_churn: the C++ half of bench/device_churn.sh.
//
//   picket_bench_churn load SOCKET COUNT PEERS_OUT
//     Adds COUNT devices through picketd's API on one kept connection and
//     writes the same peers as wg-quick [Peer] blocks to PEERS_OUT, so that a
//     second interface can carry exactly what picketd's interface carries.
//
//   picket_bench_churn wait SOCKET PID TIMEOUT_S [GATEWAY...]
//     Until picketd at SOCKET answers (no GATEWAY), or until its gateway list
//     shows every GATEWAY connected and current. Polls every 5 ms on one kept
//     connection: a curl and a jq per poll took a third of a core from the
//     wireguard-go whose load was being timed. Exits 1 when PID is gone or
//     TIMEOUT_S passed.
//
//   picket_bench_churn measure KEY=VALUE...
//     Times one-device add and revoke through the API (kept connection) and
//     through the CLI (whole process), and the same one-peer change applied
//     the way web panels do it: `wg syncconf` of the full config, with and
//     without `wg-quick strip` in front. Prints a table with ratios and
//     verdicts. Run it inside the benchmark's network namespace, so that the
//     commands it starts need no `ip netns exec` of their own.
//
// Exit status: 0 when every operation succeeded (targets met or not), 1 when
// something broke.

#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/unix_client.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
// The CLI's client: one kept connection to picketd's unix socket.
using picket::controller::api::UnixClient;

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// A fresh Curve25519 key pair, clamped as WireGuard does; only the public
// half is used.
std::string new_public_key() {
  unsigned char secret[crypto_scalarmult_SCALARBYTES];
  unsigned char point[crypto_scalarmult_BYTES];
  randombytes_buf(secret, sizeof secret);
  secret[0] &= 248;
  secret[31] = static_cast<unsigned char>((secret[31] & 127) | 64);
  if (crypto_scalarmult_base(point, secret) != 0) throw std::runtime_error("key generation failed");
  sodium_memzero(secret, sizeof secret);
  return base64(point, sizeof point);
}

std::string new_preshared_key() {
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  return base64(key, sizeof key);
}

constexpr const char* kChurnMember = "bench-churn";
constexpr std::size_t kDevicesPerMember = 100;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string member_name(std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-m%04zu", index / kDevicesPerMember);
  return name;
}

std::string device_name(const std::string& prefix, std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%05zu", prefix.c_str(), index);
  return name;
}

json call_json(UnixClient& client, const std::string& method, const std::string& target,
               const json& body, int expected_status) {
  const auto response = client.call(method, target, body.is_null() ? "" : body.dump());
  if (response.status != expected_status) {
    throw std::runtime_error(method + " " + target + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return response.body.empty() ? json() : json::parse(response.body);
}

void ensure_member(UnixClient& client, const std::string& label) {
  const auto response = client.call("POST", "/api/v1/members", json{{"label", label}}.dump());
  if (response.status != 201 && response.status != 409) {
    throw std::runtime_error("adding member " + label + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
}

// A cheap request; when picketd had closed the idle connection, the client
// reconnects on the second try.
void warm_up(UnixClient& client) {
  try {
    call_json(client, "GET", "/api/v1/settings", json(), 200);
  } catch (const std::runtime_error&) {
    call_json(client, "GET", "/api/v1/settings", json(), 200);
  }
}

bool all_current(UnixClient& client, const std::vector<std::string>& gateways) {
  const json list = call_json(client, "GET", "/api/v1/gateways", json(), 200);
  for (const std::string& name : gateways) {
    bool current = false;
    for (const json& gateway : list.at("gateways"))
      if (gateway.at("name") == name)
        current = gateway.at("connected") == true && gateway.at("current") == true;
    if (!current) return false;
  }
  return true;
}

int wait_for(const std::string& socket, pid_t pid, int timeout_s,
             const std::vector<std::string>& gateways) {
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  std::unique_ptr<UnixClient> client;
  while (Clock::now() < deadline) {
    try {
      if (!client) client = std::make_unique<UnixClient>(socket);
      if (gateways.empty()) {
        call_json(*client, "GET", "/api/v1/settings", json(), 200);
        return 0;
      }
      if (all_current(*client, gateways)) return 0;
    } catch (const std::exception&) {
      client.reset();  // not listening yet, or it closed the connection
    }
    if (::kill(pid, 0) != 0) {
      std::fprintf(stderr, "picket_bench_churn: process %d is gone\n", static_cast<int>(pid));
      return 1;
    }
    ::usleep(5000);
  }
  std::fprintf(stderr, "picket_bench_churn: %s not %s within %d s\n", socket.c_str(),
               gateways.empty() ? "answering" : "listing the gateways current", timeout_s);
  return 1;
}

std::string peer_block(const std::string& public_key, const std::string& preshared_key,
                       const std::string& allowed_ips) {
  return "[Peer]\nPublicKey = " + public_key + "\nPresharedKey = " + preshared_key +
         "\nAllowedIPs = " + allowed_ips + "\n\n";
}

std::string peer_block_of(const json& answer) {
  const auto& client = answer.at("client");
  const auto& addresses = client.at("addresses");
  std::string allowed;
  for (const auto& address : addresses) {
    if (!allowed.empty()) allowed += ", ";
    allowed += address.get<std::string>();
  }
  return peer_block(answer.at("public_key").get<std::string>(),
                    client.at("preshared_key").get<std::string>(), allowed);
}

int load(const std::string& socket, std::size_t count, const std::string& peers_out) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) keys.push_back(new_public_key());

  UnixClient client(socket);
  std::ofstream peers(peers_out);
  if (!peers) throw std::runtime_error("cannot write " + peers_out);
  const auto start = Clock::now();
  auto slice_start = start;
  constexpr std::size_t kSlice = 1000;
  std::vector<double> slice_ms;
  for (std::size_t i = 0; i < count; ++i) {
    if (i % kDevicesPerMember == 0) ensure_member(client, member_name(i));
    const auto answer =
        call_json(client, "POST", "/api/v1/members/" + member_name(i) + "/devices",
                  json{{"label", device_name("d", i)}, {"public_key", keys[i]}}, 201);
    peers << peer_block_of(answer);
    if ((i + 1) % kSlice == 0 || i + 1 == count) {
      slice_ms.push_back(ms_since(slice_start));
      slice_start = Clock::now();
    }
  }
  peers.close();
  if (!peers) throw std::runtime_error("writing " + peers_out + " failed");
  const double total = ms_since(start);
  std::printf("loaded %zu devices through the API in %.1f s (%.2f ms per device)\n", count,
              total / 1000, total / static_cast<double>(count));
  if (slice_ms.size() > 1) {
    std::printf("  ms per device by slice of %zu:", kSlice);
    for (double ms : slice_ms) std::printf(" %.2f", ms / kSlice);
    std::printf("\n");
  }
  return 0;
}

// ---- measure -------------------------------------------------------------

struct Options {
  std::map<std::string, std::string> values;
  const std::string& at(const std::string& key) const {
    auto it = values.find(key);
    if (it == values.end()) throw std::runtime_error("missing option " + key + "=...");
    return it->second;
  }
};

// Runs argv with stdout to /dev/null and stderr to `error_file`; returns the
// wall time in ms from just before the spawn to the reaped exit. Throws when
// the command fails.
double run_timed(const std::vector<std::string>& argv, const std::string& error_file) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, error_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const auto start = Clock::now();
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + argv[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  const double elapsed = ms_since(start);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream errors(error_file);
    std::stringstream text;
    text << errors.rdbuf();
    std::string command;
    for (const auto& arg : argv) command += (command.empty() ? "" : " ") + arg;
    throw std::runtime_error("`" + command + "` failed: " + text.str());
  }
  return elapsed;
}

// Output of a short command, for checks outside the timed sections.
std::string run_capture(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error("`" + command + "` failed");
  return out;
}

std::size_t peer_count(const std::string& interface_name) {
  const auto out = run_capture("wg show " + interface_name + " peers");
  return static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
}

void expect_peers(const std::string& interface_name, std::size_t expected, const char* when) {
  const auto actual = peer_count(interface_name);
  if (actual != expected) {
    throw std::runtime_error(std::string("after ") + when + ", " + interface_name + " has " +
                             std::to_string(actual) + " peers, expected " +
                             std::to_string(expected));
  }
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Samples {
  std::vector<double> ms;
  double quantile(double q) const {
    if (ms.empty()) return NAN;
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank.
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
  }
  double median() const {
    if (ms.empty()) return NAN;
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto n = sorted.size();
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
  double max() const { return ms.empty() ? NAN : *std::max_element(ms.begin(), ms.end()); }
};

struct Row {
  std::string name;
  Samples add, revoke;
};

std::string format_ms(double ms) {
  char text[32];
  if (ms < 1) {
    std::snprintf(text, sizeof text, "%.3f ms", ms);
  } else if (ms < 100) {
    std::snprintf(text, sizeof text, "%.2f ms", ms);
  } else {
    std::snprintf(text, sizeof text, "%.0f ms", ms);
  }
  return text;
}

std::string format_ratio(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, ratio < 10 ? "%.1fx" : "%.0fx", ratio);
  return text;
}

struct Memory {
  long rss_kb = -1;
  long hwm_kb = -1;
};

Memory memory_of(const std::string& pid) {
  Memory memory;
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) memory.rss_kb = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) memory.hwm_kb = std::atol(line.c_str() + 6);
  }
  return memory;
}

std::string format_mb(long kb) {
  if (kb < 0) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(kb) / 1024);
  return text;
}

int measure(const Options& options) {
  const auto& socket = options.at("socket");
  const auto& cli = options.at("cli");
  const auto& picket_if = options.at("picket_if");
  const auto& base_if = options.at("base_if");
  const auto& conf = options.at("conf");  // wg-quick config of base_if; rewritten per step
  const auto& work = options.at("work");
  const auto devices = std::stoul(options.at("devices"));
  const auto rounds = std::stoul(options.at("rounds"));
  const auto strip_rounds = std::min(rounds, std::stoul(options.at("strip_rounds")));
  const auto& picketd_pid = options.at("picketd_pid");
  const auto& picket_wg_pid = options.at("picket_wg_pid");
  const auto& base_wg_pid = options.at("base_wg_pid");

  const std::string base_conf = read_file(conf);
  const std::string base_stripped = read_file(options.at("stripped"));  // wg-quick strip of conf
  const std::string stripped = work + "/stripped.conf";
  const std::string errors = work + "/command-errors.txt";
  const Memory picketd_loaded = memory_of(picketd_pid);

  UnixClient client(socket);
  ensure_member(client, kChurnMember);
  const std::string devices_path = std::string("/api/v1/members/") + kChurnMember + "/devices";

  Row api{"picketd API, kept connection", {}, {}};
  Row via_cli{"picket CLI, whole process", {}, {}};
  Row syncconf{"wg syncconf, full config", {}, {}};
  Row strip_syncconf{"wg syncconf <(wg-quick strip)", {}, {}};

  const auto bench_start = Clock::now();
  for (std::size_t round = 0; round < rounds; ++round) {
    const bool check = round == 0 || round + 1 == rounds || round + 1 == strip_rounds;

    // API: one add, one revoke, on the connection kept since the start.
    // picketd closes a connection idle for 30 s, and the baselines below
    // take longer than that at 10,000 peers: an untimed request first makes
    // sure the timed ones run on an open, warm connection.
    warm_up(client);
    const auto api_label = device_name("api", round);
    const json api_body{{"label", api_label}, {"public_key", new_public_key()}};
    auto start = Clock::now();
    call_json(client, "POST", devices_path, api_body, 201);
    api.add.ms.push_back(ms_since(start));
    if (check) expect_peers(picket_if, devices + 1, "an API add");
    start = Clock::now();
    call_json(client, "DELETE", devices_path + "/" + api_label, json(), 200);
    api.revoke.ms.push_back(ms_since(start));
    if (check) expect_peers(picket_if, devices, "an API revoke");

    // CLI: the whole process, start-up and connection included.
    const auto cli_label = device_name("cli", round);
    via_cli.add.ms.push_back(run_timed({cli, "--socket", socket, "device", "add", kChurnMember,
                                        cli_label, "--pubkey", new_public_key(), "--no-qr"},
                                       errors));
    if (check) expect_peers(picket_if, devices + 1, "a CLI add");
    via_cli.revoke.ms.push_back(
        run_timed({cli, "--socket", socket, "device", "revoke", kChurnMember, cli_label}, errors));
    if (check) expect_peers(picket_if, devices, "a CLI revoke");

    // The panels' way: the config file gains or loses one [Peer], then the
    // whole file goes to `wg syncconf`. Writing the file is not timed.
    const std::string extra =
        peer_block(new_public_key(), new_preshared_key(), "10.88.255.250/32, fd88::fffa/128");
    const std::string with_peer = base_conf + extra;

    // (a) the stripped file prepared beforehand: `wg syncconf` alone. The
    // [Peer] block has nothing to strip, so it is appended to the stripped
    // base config (wg-quick strip would take seconds per round).
    write_file(stripped, base_stripped + extra);
    syncconf.add.ms.push_back(run_timed({"wg", "syncconf", base_if, stripped}, errors));
    if (check) expect_peers(base_if, devices + 1, "a syncconf add");
    write_file(stripped, base_stripped);
    syncconf.revoke.ms.push_back(run_timed({"wg", "syncconf", base_if, stripped}, errors));
    if (check) expect_peers(base_if, devices, "a syncconf removal");

    // (b) what the most popular panel runs: strip and syncconf in one line.
    // wg-quick strip is a bash loop over every line and takes seconds at
    // 10,000 peers, so it runs in the first strip_rounds rounds only.
    if (round >= strip_rounds) continue;
    const std::vector<std::string> strip_and_sync{
        "bash", "-c", "wg syncconf \"$0\" <(wg-quick strip \"$1\")", base_if, conf};
    write_file(conf, with_peer);
    strip_syncconf.add.ms.push_back(run_timed(strip_and_sync, errors));
    if (check) expect_peers(base_if, devices + 1, "a strip+syncconf add");
    write_file(conf, base_conf);
    strip_syncconf.revoke.ms.push_back(run_timed(strip_and_sync, errors));
    if (check) expect_peers(base_if, devices, "a strip+syncconf removal");
  }
  const double bench_seconds = ms_since(bench_start) / 1000;

  const Memory picketd_after = memory_of(picketd_pid);
  const Memory picket_wg = memory_of(picket_wg_pid);
  const Memory base_wg = memory_of(base_wg_pid);

  std::printf(
      "\nOne-device change at %zu devices, userspace backend (wireguard-go), %zu rounds"
      " (%zu with wg-quick strip; %.0f s)\n\n",
      devices, rounds, strip_rounds, bench_seconds);
  std::printf("%-34s %12s %12s %12s %12s\n", "", "add median", "add p90", "revoke med.",
              "revoke p90");
  for (const Row* row : {&api, &via_cli, &syncconf, &strip_syncconf}) {
    std::printf("%-34s %12s %12s %12s %12s\n", row->name.c_str(),
                format_ms(row->add.median()).c_str(), format_ms(row->add.quantile(0.9)).c_str(),
                format_ms(row->revoke.median()).c_str(),
                format_ms(row->revoke.quantile(0.9)).c_str());
  }
  std::printf("(slowest API add %s, revoke %s)\n\n", format_ms(api.add.max()).c_str(),
              format_ms(api.revoke.max()).c_str());

  bool all_met = true;
  std::printf("%-40s %10s %10s %10s  %s\n", "ratio of medians", "add", "revoke", "target",
              "verdict");
  auto ratio_line = [&](const Row& slow, const Row& fast, double target) {
    const double add = slow.add.median() / fast.add.median();
    const double revoke = slow.revoke.median() / fast.revoke.median();
    const std::string name =
        slow.name.substr(0, slow.name.find(',')) + " / " + fast.name.substr(0, fast.name.find(','));
    std::string verdict = "(informational)";
    std::string target_text = "-";
    if (target > 0) {
      const bool met = add >= target && revoke >= target;
      all_met = all_met && met;
      verdict = met ? "PASS" : "MISS";
      target_text = ">= " + format_ratio(target);
    }
    std::printf("%-40s %10s %10s %10s  %s\n", name.c_str(), format_ratio(add).c_str(),
                format_ratio(revoke).c_str(), target_text.c_str(), verdict.c_str());
  };
  ratio_line(syncconf, api, 100);
  ratio_line(syncconf, via_cli, 20);
  Row strip_named = strip_syncconf;
  strip_named.name = "strip+syncconf";
  ratio_line(strip_named, api, 0);
  ratio_line(strip_named, via_cli, 0);

  constexpr long kRssTargetKb = 20 * 1024;
  const bool rss_met = picketd_loaded.rss_kb >= 0 && picketd_loaded.rss_kb < kRssTargetKb &&
                       picketd_after.rss_kb < kRssTargetKb;
  all_met = all_met && rss_met;
  std::printf("\nMemory (VmRSS) with %zu devices\n", devices);
  std::printf("  %-44s %10s  (peak VmHWM %s)  target < 20 MB: %s\n", "picketd, after loading",
              format_mb(picketd_loaded.rss_kb).c_str(), format_mb(picketd_loaded.hwm_kb).c_str(),
              rss_met ? "PASS" : "MISS");
  std::printf("  %-44s %10s  (peak VmHWM %s)\n", "picketd, after the churn rounds",
              format_mb(picketd_after.rss_kb).c_str(), format_mb(picketd_after.hwm_kb).c_str());
  std::printf("  %-44s %10s  (not ours; informational)\n", "wireguard-go serving picketd's peers",
              format_mb(picket_wg.rss_kb).c_str());
  std::printf("  %-44s %10s  (not ours; informational)\n", "wireguard-go serving the baseline",
              format_mb(base_wg.rss_kb).c_str());
  std::printf("\nAll targets %s.\n", all_met ? "met" : "NOT met");
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: picket_bench_churn load SOCKET COUNT PEERS_OUT\n"
               "       picket_bench_churn wait SOCKET PID TIMEOUT_S [GATEWAY...]\n"
               "       picket_bench_churn measure socket=.. cli=.. picket_if=.. base_if=.. "
               "conf=.. stripped=.. work=.. devices=N rounds=N strip_rounds=N picketd_pid=.. "
               "picket_wg_pid=.. "
               "base_wg_pid=..\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "picket_bench_churn: libsodium failed to initialise\n");
    return 1;
  }
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 4 && args[0] == "load") {
      return load(args[1], std::stoul(args[2]), args[3]);
    }
    if (args.size() >= 4 && args[0] == "wait") {
      return wait_for(args[1], static_cast<pid_t>(std::stol(args[2])), std::stoi(args[3]),
                      std::vector<std::string>(args.begin() + 4, args.end()));
    }
    if (!args.empty() && args[0] == "measure") {
      Options options;
      for (std::size_t i = 1; i < args.size(); ++i) {
        const auto eq = args[i].find('=');
        if (eq == std::string::npos) return usage();
        options.values[args[i].substr(0, eq)] = args[i].substr(eq + 1);
      }
      return measure(options);
    }
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "picket_bench_churn: %s\n", e.what());
    return 1;
  }
}
