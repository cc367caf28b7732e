// Fargate task sizes: the 74 valid task-level (cpu units, memory MiB) pairs
// (ecs-and-elb.md §1) and exact conversions between the units users write
// (vCPU, GiB) and the units ECS stores (cpu units, MiB).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adjust {

struct FargateSize {
  int cpu_units = 0;  // 1024 per vCPU
  int memory_mib = 0;
};

// All 74 valid pairs, ordered by cpu then memory.
std::span<const FargateSize> fargate_sizes();

// The task cpu values Fargate accepts, ascending: 256 ... 16384.
std::span<const int> fargate_cpu_units();

bool is_valid_fargate_cpu(int cpu_units);

// Whether some cpu value accepts this memory size.
bool is_valid_fargate_memory(int memory_mib);

bool is_valid_fargate_size(int cpu_units, int memory_mib);

// Memory sizes (MiB, ascending) valid with cpu_units; empty for an invalid cpu.
std::vector<int> allowed_memory_mib(int cpu_units);

// Every cpu value (units, ascending) that accepts memory_mib.
std::vector<int> allowed_cpu_units(int memory_mib);

// "0.25 vCPU allows 0.5, 1, 2 GiB"; for an invalid cpu, the valid cpu values.
std::string describe_allowed_memory(int cpu_units);

// vCPU → cpu units (0.25 → 256); nullopt unless value*1024 is a positive integer.
std::optional<int> vcpu_to_units(double vcpu);
// GiB → MiB (1.5 → 1536); nullopt unless value*1024 is a positive integer.
std::optional<int> gib_to_mib(double gib);

// Exact inverses: 256 → 0.25, 1536 → 1.5.
double units_to_vcpu(int cpu_units);
double mib_to_gib(int memory_mib);

}  // namespace adjust
