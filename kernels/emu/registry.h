// registry.h: the kernels of anneal_kernels.cu by name, each with its parameter layout (offset, size, whether a
// pointer) derived from its own C++ signature, and a runner that unpacks a kernelParams-style argument block
// (the bytes anneal.backend.cuda.KernelLaunch packs) and launches it on the emulator. Shared by the CPU stand-in
// driver (standin/standin.cpp) and the sanitizer harness (harness/emu_check.cpp), so both run a launch exactly as
// the Java side described it. Include after anneal_kernels.cu.
#pragma once
#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>


struct KernelEntry {
    const char* name;
    std::vector<std::size_t> offset, size;
    std::vector<bool> pointer;
    std::size_t bytes = 0;
    void (*run)(dim3 grid, dim3 block, const unsigned char* args) = nullptr;
};

template <class... P, std::size_t... I>
void runUnpacked(void (*kernel)(P...), dim3 grid, dim3 block, const unsigned char* args, const std::size_t* offsets,
                 std::index_sequence<I...>) {
    std::tuple<std::decay_t<P>...> values;
    ((std::memcpy(&std::get<I>(values), args + offsets[I], sizeof(std::get<I>(values)))), ...);
    emu::launch(grid, block, kernel, std::get<I>(values)...);
}

template <auto Kernel>
struct Registered;
template <class... P, void (*Kernel)(P...)>
struct Registered<Kernel> {
    static inline std::vector<std::size_t> offsets;
    static void run(dim3 grid, dim3 block, const unsigned char* args) {
        runUnpacked(Kernel, grid, block, args, offsets.data(), std::index_sequence_for<P...>{});
    }
    static KernelEntry entry(const char* name) {
        KernelEntry e;
        e.name = name;
        std::size_t at = 0;
        auto add = [&](std::size_t size, std::size_t align, bool isPointer) {
            at = (at + align - 1) / align * align;
            e.offset.push_back(at);
            e.size.push_back(size);
            e.pointer.push_back(isPointer);
            at += size;
        };
        (add(sizeof(std::decay_t<P>), alignof(std::decay_t<P>), std::is_pointer_v<std::decay_t<P>>), ...);
        e.bytes = at;
        offsets = e.offset;
        e.run = &run;
        return e;
    }
};

#define ANNEAL_KERNEL(name) Registered<&name>::entry(#name)

inline const std::vector<KernelEntry>& kernels() {
    static const std::vector<KernelEntry> all = {
        ANNEAL_KERNEL(gather_batch),   ANNEAL_KERNEL(matmul_forward), ANNEAL_KERNEL(matmul_backward_input),
        ANNEAL_KERNEL(matmul_backward_weight), ANNEAL_KERNEL(softmax_xent), ANNEAL_KERNEL(bias_grad),
        ANNEAL_KERNEL(sgd_update),     ANNEAL_KERNEL(sgd_update_scalars),
        ANNEAL_KERNEL(linear_forward), ANNEAL_KERNEL(linear_backward_input), ANNEAL_KERNEL(linear_backward_weight),
        ANNEAL_KERNEL(linear_softmax_xent),
    };
    return all;
}

