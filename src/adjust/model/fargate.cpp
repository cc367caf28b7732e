#include "adjust/model/fargate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "adjust/base/numeric.hpp"

namespace adjust {

namespace {

constexpr int k_units_per_vcpu = 1024;
constexpr int k_mib_per_gib = 1024;

// One row of the AWS table: a cpu value and its memory range in GiB.
struct SizeRow {
  int cpu_units;
  int first_gib;
  int last_gib;
  int step_gib;
};

constexpr std::array<SizeRow, 7> k_rows{{
    {256, 1, 2, 1},  // plus 0.5 GiB, added below
    {512, 1, 4, 1},
    {1024, 2, 8, 1},
    {2048, 4, 16, 1},
    {4096, 8, 30, 1},
    {8192, 16, 60, 4},
    {16384, 32, 120, 8},
}};

constexpr std::array<int, 7> k_cpu_units{256, 512, 1024, 2048, 4096, 8192, 16384};

std::vector<FargateSize> build_sizes() {
  std::vector<FargateSize> sizes;
  sizes.push_back({256, 512});
  for (const auto& row : k_rows) {
    for (int gib = row.first_gib; gib <= row.last_gib; gib += row.step_gib) {
      sizes.push_back({row.cpu_units, gib * k_mib_per_gib});
    }
  }
  return sizes;
}

// value * 1024 as an int when it is a positive integer (within float tolerance).
std::optional<int> scale_exact(double value) {
  if (!std::isfinite(value) || value <= 0) {
    return std::nullopt;
  }
  double scaled = value * 1024.0;
  if (!is_integral(scaled) || scaled > static_cast<double>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  return static_cast<int>(std::llround(scaled));
}

}  // namespace

std::span<const FargateSize> fargate_sizes() {
  static const std::vector<FargateSize> sizes = build_sizes();
  return sizes;
}

std::span<const int> fargate_cpu_units() { return k_cpu_units; }

bool is_valid_fargate_cpu(int cpu_units) {
  return std::find(k_cpu_units.begin(), k_cpu_units.end(), cpu_units) != k_cpu_units.end();
}

bool is_valid_fargate_memory(int memory_mib) { return !allowed_cpu_units(memory_mib).empty(); }

bool is_valid_fargate_size(int cpu_units, int memory_mib) {
  auto sizes = fargate_sizes();
  return std::any_of(sizes.begin(), sizes.end(), [&](const FargateSize& size) {
    return size.cpu_units == cpu_units && size.memory_mib == memory_mib;
  });
}

std::vector<int> allowed_memory_mib(int cpu_units) {
  std::vector<int> memory;
  for (const auto& size : fargate_sizes()) {
    if (size.cpu_units == cpu_units) {
      memory.push_back(size.memory_mib);
    }
  }
  return memory;
}

std::vector<int> allowed_cpu_units(int memory_mib) {
  std::vector<int> cpus;
  for (const auto& size : fargate_sizes()) {
    if (size.memory_mib == memory_mib) {
      cpus.push_back(size.cpu_units);
    }
  }
  return cpus;
}

std::string describe_allowed_memory(int cpu_units) {
  auto memory = allowed_memory_mib(cpu_units);
  if (memory.empty()) {
    std::string text =
        format_number(units_to_vcpu(cpu_units)) + " vCPU is not a Fargate size; valid cpu values are ";
    for (std::size_t i = 0; i < k_cpu_units.size(); ++i) {
      text += (i == 0 ? "" : ", ") + format_number(units_to_vcpu(k_cpu_units[i]));
    }
    return text + " vCPU";
  }
  std::string text = format_number(units_to_vcpu(cpu_units)) + " vCPU allows ";
  for (std::size_t i = 0; i < memory.size(); ++i) {
    text += (i == 0 ? "" : ", ") + format_number(mib_to_gib(memory[i]));
  }
  return text + " GiB";
}

std::optional<int> vcpu_to_units(double vcpu) { return scale_exact(vcpu); }

std::optional<int> gib_to_mib(double gib) { return scale_exact(gib); }

double units_to_vcpu(int cpu_units) { return static_cast<double>(cpu_units) / k_units_per_vcpu; }

double mib_to_gib(int memory_mib) { return static_cast<double>(memory_mib) / k_mib_per_gib; }

}  // namespace adjust
