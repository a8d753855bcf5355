// cuda_emu.h: lets the kernels in kernels/*.cu compile and run as plain C++ on the CPU, so that they
// can be checked without a GPU (under AddressSanitizer and UndefinedBehaviorSanitizer).
//
// Execution model, deliberately close to the hardware's where it matters for correctness:
//   * a launch runs its blocks one after another (blockIdx visits the grid in x, y, z order);
//   * the threads of a block are real std::threads that meet at a std::barrier for __syncthreads(),
//     so a missing barrier or a read of a neighbour's not-yet-written value shows up as a wrong result;
//   * __shared__ storage is one static array per kernel, shared by the threads of the running block
//     (blocks never overlap in time, so this is exactly "one copy per block");
//   * a warp is 32 consecutive threads; __shfl_*_sync exchange values through a per-warp buffer and a
//     per-warp barrier, so every lane of the warp must take part, as the mask 0xffffffff promises;
//   * atomicAdd is a real atomic read-modify-write (std::atomic_ref).
// Not emulated: timing, memory coalescing, bank conflicts, and the behaviour of kernels that call
// __syncthreads() from divergent code (they deadlock here; on a GPU it is undefined behaviour).
#pragma once
#ifdef __CUDACC__
#error "cuda_emu.h is for host C++ builds only"
#endif

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
    unsigned x, y, z;
};

namespace emu {
constexpr unsigned kWarpSize = 32;

/** Synchronisation objects of the block that is running. */
struct BlockSync {
    explicit BlockSync(unsigned threads) : block(threads) {
        for (unsigned w = 0; w * kWarpSize < threads; w++) {
            unsigned lanes = threads - w * kWarpSize < kWarpSize ? threads - w * kWarpSize : kWarpSize;
            warps.push_back(std::make_unique<std::barrier<>>(lanes));
        }
        warpSlots.assign(threads, 0);
    }
    std::barrier<> block;
    std::vector<std::unique_ptr<std::barrier<>>> warps;
    std::vector<std::uint64_t> warpSlots;  // one 8-byte slot per thread for shuffles
};

inline thread_local uint3 tThreadIdx{0, 0, 0};
inline thread_local uint3 tBlockIdx{0, 0, 0};
inline thread_local unsigned tLinear = 0;
inline thread_local BlockSync* tSync = nullptr;
inline dim3 gBlockDim;
inline dim3 gGridDim;

/** Runs {@code kernel(args...)} over the grid: blocks in sequence, each block's threads in parallel. */
template <class... Params, class... Args>
void launch(dim3 grid, dim3 block, void (*kernel)(Params...), Args... args) {
    unsigned threads = block.x * block.y * block.z;
    if (threads == 0 || threads > 1024 || grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 || grid.z > 65535)
        throw std::invalid_argument("invalid launch configuration");
    gBlockDim = block;
    gGridDim = grid;
    BlockSync sync(threads);
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; t++) {
        pool.emplace_back([&, t] {
            tThreadIdx = uint3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
            tLinear = t;
            tSync = &sync;
            for (unsigned bz = 0; bz < grid.z; bz++)
                for (unsigned by = 0; by < grid.y; by++)
                    for (unsigned bx = 0; bx < grid.x; bx++) {
                        tBlockIdx = uint3{bx, by, bz};
                        kernel(static_cast<Params>(args)...);
                        sync.block.arrive_and_wait();  // the next block starts when this one is done
                    }
        });
    }
    for (auto& th : pool) th.join();
}

template <class T>
T shuffle(T value, unsigned sourceLane, unsigned width) {
    static_assert(sizeof(T) <= 8, "shuffle of types up to 8 bytes");
    BlockSync& s = *tSync;
    unsigned warp = tLinear / kWarpSize, lane = tLinear % kWarpSize;
    unsigned segmentBase = lane - lane % width;
    unsigned src = segmentBase + sourceLane;
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    s.warpSlots[tLinear] = bits;
    s.warps[warp]->arrive_and_wait();
    unsigned srcLinear = warp * kWarpSize + src;
    std::uint64_t got = srcLinear < s.warpSlots.size() ? s.warpSlots[srcLinear] : bits;
    s.warps[warp]->arrive_and_wait();  // nobody overwrites a slot before every lane has read
    T out;
    std::memcpy(&out, &got, sizeof(T));
    return out;
}
}  // namespace emu

#define threadIdx (emu::tThreadIdx)
#define blockIdx (emu::tBlockIdx)
#define blockDim (emu::gBlockDim)
#define gridDim (emu::gGridDim)
#define warpSize 32
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

inline void __syncthreads() { emu::tSync->block.arrive_and_wait(); }
inline void __syncwarp(unsigned = 0xffffffffu) { emu::tSync->warps[emu::tLinear / emu::kWarpSize]->arrive_and_wait(); }

template <class T>
T __shfl_down_sync(unsigned, T v, unsigned delta, int width = 32) {
    unsigned lane = emu::tLinear % emu::kWarpSize % width;
    return emu::shuffle(v, lane + delta < unsigned(width) ? lane + delta : lane, width);
}
template <class T>
T __shfl_xor_sync(unsigned, T v, int laneMask, int width = 32) {
    unsigned lane = emu::tLinear % emu::kWarpSize % width;
    unsigned src = lane ^ unsigned(laneMask);
    return emu::shuffle(v, src < unsigned(width) ? src : lane, width);
}
template <class T>
T __shfl_sync(unsigned, T v, int srcLane, int width = 32) {
    return emu::shuffle(v, unsigned(srcLane) % unsigned(width), width);
}

inline float atomicAdd(float* address, float v) { return std::atomic_ref<float>(*address).fetch_add(v); }
inline double atomicAdd(double* address, double v) { return std::atomic_ref<double>(*address).fetch_add(v); }
inline int atomicAdd(int* address, int v) { return std::atomic_ref<int>(*address).fetch_add(v); }

// Round-to-nearest arithmetic intrinsics: on the GPU they forbid fusing into an FMA; the harness is
// built with -ffp-contract=off so plain operators round the same way.
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
