// cuda_emu.h: lets the kernels in kernels/*.cu compile and run as plain C++ on the CPU, so that they
// can be checked without a GPU: by the sanitizer harness (harness/emu_check.cpp) and by the CPU stand-in
// for the CUDA driver (standin/, the libcuda.so.1 the Java tests load through JCuda).
//
// Execution model, deliberately close to the hardware's where it matters for correctness:
//   * a launch runs its blocks one after another (blockIdx visits the grid in x, y, z order);
//   * the threads of a block meet at __syncthreads(), so a missing barrier or a read of a neighbour's
//     not-yet-written value shows up as a wrong result;
//   * __shared__ storage is one static array per kernel, shared by the threads of the running block
//     (blocks never overlap in time, so this is exactly "one copy per block");
//   * a warp is 32 consecutive threads; __shfl_*_sync exchange values through a per-warp buffer and a
//     per-warp barrier, so every lane of the warp must take part, as the mask 0xffffffff promises;
//   * atomicAdd is a real atomic read-modify-write (std::atomic_ref).
// Two engines run a block's threads:
//   * fibers (default): every CUDA thread is a fiber with its own small stack, all on the calling OS
//     thread; a fiber runs until it reaches a barrier (__syncthreads, __syncwarp, each half of a shuffle),
//     then the next one runs. The switch is a few instructions (x86-64: callee-saved registers and the
//     stack pointer; other targets fall back to ucontext), so a 784-256-10 training step takes a fraction
//     of a second. Used by the stand-in driver.
//   * OS threads (-DANNEAL_EMU_OS_THREADS): one std::thread per CUDA thread, std::barrier for the
//     barriers. Slower, but AddressSanitizer follows it (it does not follow stack switches), so the
//     sanitizer harness uses it.
// With fibers, threads that return early count as arrived at later barriers (as exited threads do on the
// GPU); with OS threads a __syncthreads() after an early return deadlocks (no kernel here does that).
// Not emulated: timing, memory coalescing, bank conflicts, and the behaviour of kernels that call
// __syncthreads() from divergent code (a deadlock here; undefined behaviour on a GPU).
#pragma once
#ifdef __CUDACC__
#error "cuda_emu.h is for host C++ builds only"
#endif

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>
#ifdef ANNEAL_EMU_OS_THREADS
#include <barrier>
#include <thread>
#else
#include <sys/mman.h>
#if !defined(__x86_64__)
#include <ucontext.h>
#endif
#endif

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
    unsigned x, y, z;
};
// CUDA's 16-byte vector type (the register-tiled SGEMM's loads); its alignment, as on the GPU, makes a
// misaligned float4 access undefined behaviour that UBSan reports.
struct alignas(16) float4 {
    float x, y, z, w;
};

namespace emu {
constexpr unsigned kWarpSize = 32;
constexpr unsigned kMaxThreads = 1024;

inline void checkConfiguration(dim3 grid, dim3 block) {
    unsigned threads = block.x * block.y * block.z;
    if (threads == 0 || threads > kMaxThreads || grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 || grid.z > 65535)
        throw std::invalid_argument("invalid launch configuration");
}

inline dim3 gBlockDim;
inline dim3 gGridDim;
inline thread_local uint3 tThreadIdx{0, 0, 0};
inline thread_local uint3 tBlockIdx{0, 0, 0};
inline thread_local unsigned tLinear = 0;

#ifdef ANNEAL_EMU_OS_THREADS
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

inline thread_local BlockSync* tSync = nullptr;

inline void blockBarrier() { tSync->block.arrive_and_wait(); }
inline void warpBarrier() { tSync->warps[tLinear / kWarpSize]->arrive_and_wait(); }
inline std::vector<std::uint64_t>& warpSlots() { return tSync->warpSlots; }

/** Runs {@code kernel(args...)} over the grid: blocks in sequence, each block's threads in parallel. */
template <class... Params, class... Args>
void launch(dim3 grid, dim3 block, void (*kernel)(Params...), Args... args) {
    checkConfiguration(grid, block);
    unsigned threads = block.x * block.y * block.z;
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
#else
// ---- fiber engine ---------------------------------------------------------------------------------
#if defined(__x86_64__)
// anneal_emu_switch(&from->sp, to->sp): saves the callee-saved registers, the SSE and x87 control words
// and the stack pointer of the running fiber, and resumes the other one (System V x86-64 ABI).
extern "C" void anneal_emu_switch(void** saveSp, void* newSp);
asm(R"(
.text
.globl anneal_emu_switch
.hidden anneal_emu_switch
.type anneal_emu_switch,@function
anneal_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
.size anneal_emu_switch, .-anneal_emu_switch
.section .note.GNU-stack,"",@progbits
.text
)");
#endif

constexpr std::size_t kFiberStack = 32 * 1024;

struct Fiber {
    char* stack = nullptr;  // kFiberStack bytes (above a guard page)
#if defined(__x86_64__)
    void* sp = nullptr;
#else
    ucontext_t context;
#endif
    uint3 threadIdx{0, 0, 0};
    unsigned linear = 0;
    bool done = false;
};

/** Barrier state of one group of fibers (the block, or one warp). */
struct FiberBarrier {
    unsigned live = 0;     // members that have not returned
    unsigned arrived = 0;  // members waiting in the current generation
    unsigned generation = 0;
};

/** The fibers of the OS thread that runs a launch, and the state of the block they run. */
struct FiberBlock {
    std::vector<Fiber> fibers;
    unsigned threads = 0;
    Fiber* current = nullptr;
#if defined(__x86_64__)
    void* schedulerSp = nullptr;
#else
    ucontext_t scheduler;
#endif
    FiberBarrier block;
    std::vector<FiberBarrier> warps;
    std::vector<std::uint64_t> warpSlots;
    void (*body)(void*) = nullptr;
    void* bodyContext = nullptr;

};

inline thread_local FiberBlock tFibers;

inline void yieldToScheduler() {
    FiberBlock& b = tFibers;
#if defined(__x86_64__)
    anneal_emu_switch(&b.current->sp, b.schedulerSp);
#else
    swapcontext(&b.current->context, &b.scheduler);
#endif
}

[[noreturn]] inline void fiberEntry() {
    FiberBlock& b = tFibers;
    b.body(b.bodyContext);
    Fiber* f = b.current;
    f->done = true;
    b.block.live--;
    b.warps[f->linear / kWarpSize].live--;
    yieldToScheduler();
    __builtin_trap();  // a finished fiber is never resumed
}

#if !defined(__x86_64__)
inline void fiberEntryTrampoline() { fiberEntry(); }
#endif

/** Stacks for up to kMaxThreads fibers, one mapping per OS thread; each stack has a guard page below it. */
inline char* fiberStack(unsigned linear) {
    static thread_local char* stacks = nullptr;
    constexpr std::size_t stride = kFiberStack + 4096;
    if (stacks == nullptr) {
        void* m = mmap(nullptr, stride * kMaxThreads, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        stacks = static_cast<char*>(m);
        for (unsigned t = 0; t < kMaxThreads; t++) mprotect(stacks + t * stride, 4096, PROT_NONE);  // overflow faults
    }
    return stacks + linear * stride + 4096;
}

inline void prepareFiber(Fiber& f) {
    if (f.stack == nullptr) f.stack = fiberStack(f.linear);
    f.done = false;
#if defined(__x86_64__)
    // The frame anneal_emu_switch pops: control words, r15..rbp, then "returns" into fiberEntry, which
    // then sees the stack as a called function does (rsp + 8 aligned to 16).
    auto* top = reinterpret_cast<std::uint64_t*>(f.stack + kFiberStack);
    top -= 1;
    *top = 0;  // fiberEntry's (never used) return address
    top -= 1;
    *top = reinterpret_cast<std::uint64_t>(&fiberEntry);
    for (int r = 0; r < 6; r++) *--top = 0;
    top -= 1;
    *top = 0x037F00001F80ull;  // mxcsr 0x1F80 (low word), x87 control word 0x037F
    f.sp = top;
#else
    getcontext(&f.context);
    f.context.uc_stack.ss_sp = f.stack;
    f.context.uc_stack.ss_size = kFiberStack;
    f.context.uc_link = nullptr;
    makecontext(&f.context, &fiberEntryTrampoline, 0);
#endif
}

/** Waits until every live member of {@code bar} has arrived (the last one to arrive releases the rest). */
inline void fiberWait(FiberBarrier& bar) {
    unsigned generation = bar.generation;
    if (++bar.arrived >= bar.live) {
        bar.arrived = 0;
        bar.generation++;
        return;
    }
    while (bar.generation == generation) {
        yieldToScheduler();
        if (bar.generation == generation && bar.arrived >= bar.live) {  // the others returned meanwhile
            bar.arrived = 0;
            bar.generation++;
        }
    }
}

inline void blockBarrier() { fiberWait(tFibers.block); }
inline void warpBarrier() { fiberWait(tFibers.warps[tLinear / kWarpSize]); }
inline std::vector<std::uint64_t>& warpSlots() { return tFibers.warpSlots; }

/** Runs one block: every fiber from its start until all have returned. */
inline void runBlock(FiberBlock& b) {
    b.block = FiberBarrier{b.threads, 0, 0};
    for (unsigned w = 0; w < b.warps.size(); w++) {
        unsigned lanes = b.threads - w * kWarpSize < kWarpSize ? b.threads - w * kWarpSize : kWarpSize;
        b.warps[w] = FiberBarrier{lanes, 0, 0};
    }
    for (unsigned t = 0; t < b.threads; t++) prepareFiber(b.fibers[t]);
    for (bool any = true; any;) {
        any = false;
        for (unsigned t = 0; t < b.threads; t++) {
            Fiber& f = b.fibers[t];
            if (f.done) continue;
            any = true;
            b.current = &f;
            tThreadIdx = f.threadIdx;
            tLinear = f.linear;
#if defined(__x86_64__)
            anneal_emu_switch(&b.schedulerSp, f.sp);
#else
            swapcontext(&b.scheduler, &f.context);
#endif
        }
    }
    b.current = nullptr;
}

template <class Call>
void callBody(void* context) {
    (*static_cast<Call*>(context))();
}

/** Runs {@code kernel(args...)} over the grid: blocks in sequence, each block's threads as fibers. */
template <class... Params, class... Args>
void launch(dim3 grid, dim3 block, void (*kernel)(Params...), Args... args) {
    checkConfiguration(grid, block);
    FiberBlock& b = tFibers;
    if (b.current != nullptr) throw std::logic_error("a kernel launched from inside a kernel");
    unsigned threads = block.x * block.y * block.z;
    gBlockDim = block;
    gGridDim = grid;
    if (b.fibers.size() < threads) b.fibers.resize(threads);
    b.threads = threads;
    b.warps.assign((threads + kWarpSize - 1) / kWarpSize, FiberBarrier{});
    b.warpSlots.assign(threads, 0);
    for (unsigned t = 0; t < threads; t++) {
        b.fibers[t].threadIdx = uint3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
        b.fibers[t].linear = t;
    }
    auto call = [&] { kernel(static_cast<Params>(args)...); };
    b.body = &callBody<decltype(call)>;
    b.bodyContext = &call;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                tBlockIdx = uint3{bx, by, bz};
                runBlock(b);
            }
    b.body = nullptr;
}
#endif

template <class T>
T shuffle(T value, unsigned sourceLane, unsigned width) {
    static_assert(sizeof(T) <= 8, "shuffle of types up to 8 bytes");
    std::vector<std::uint64_t>& slots = warpSlots();
    unsigned warp = tLinear / kWarpSize, lane = tLinear % kWarpSize;
    unsigned segmentBase = lane - lane % width;
    unsigned src = segmentBase + sourceLane;
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    unsigned self = tLinear;
    slots[self] = bits;
    warpBarrier();
    unsigned srcLinear = warp * kWarpSize + src;
    std::uint64_t got = srcLinear < slots.size() ? slots[srcLinear] : bits;
    warpBarrier();  // nobody overwrites a slot before every lane has read
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

inline void __syncthreads() { emu::blockBarrier(); }
inline void __syncwarp(unsigned = 0xffffffffu) { emu::warpBarrier(); }

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
// Blocks run one after another and threads share one memory, so a fence only has to order this thread's
// accesses (a sequentially consistent fence); a load that bypasses L1 is a plain load.
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
template <class T>
T __ldcg(const T* p) { return *p; }

// Round-to-nearest arithmetic intrinsics: on the GPU they forbid fusing into an FMA; the harness is
// built with -ffp-contract=off so plain operators round the same way.
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
