// standin.cpp: a CPU stand-in for the CUDA driver (libcuda.so.1), so that Anneal's JCuda host code
// (anneal.backend.cuda) runs end to end on a machine without a GPU. It is a test tool, built into
// kernels/build/standin/ and never packed into the jar.
//
// It implements, on the CPU, the driver entry points the backend calls (contexts, streams, memory,
// module, launches, events, graphs), and runs the real kernel sources of anneal_kernels.cu compiled as
// C++ against emu/cuda_emu.h (fiber engine). Every other cu* symbol that JCuda's native library
// references is defined by the generated unsupported.inc and returns CUDA_ERROR_NOT_SUPPORTED, so lazy
// binding can never abort the JVM.
//
// Behaviour the backend's bugs would trip over, as on a real driver or stricter:
//   * every call that needs a context checks that one is current on the calling thread
//     (CUDA_ERROR_INVALID_CONTEXT otherwise);
//   * work is queued per context and runs when the host synchronises (stream/event/context sync, a
//     synchronous copy, a free) or the queue is 64 operations deep, in issue order, so each stream keeps its
//     own order and host memory that an async copy reads from pinned memory is read late, as on a GPU; kernel
//     parameters are copied at
//     launch, graph node parameters at node creation, instantiation and update;
//   * allocations are poisoned with NaN bytes (0xFF) and guarded by canaries in front and behind, which
//     are checked after every kernel, at synchronisation and at free; freed memory is never reused (its
//     addresses stay reserved and inaccessible);
//   * a kernel whose pointer argument points at no live allocation, a broken canary, or an injected
//     fault is a sticky CUDA_ERROR_ILLEGAL_ADDRESS: every later call on the context returns it until
//     cuDevicePrimaryCtxReset, as on a GPU.
//
// Modes, by environment variable (read at cuInit; a bad value makes cuInit return
// CUDA_ERROR_INVALID_VALUE, and cuGetErrorString of that code then names the variable, the value and
// what is allowed):
//   ANNEAL_STANDIN_DEVICES=0|1          0: no device (cuInit returns CUDA_ERROR_NO_DEVICE)          [1]
//   ANNEAL_STANDIN_DRIVER_VERSION=N     reported driver version, 1000*major + 10*minor; an image needs
//                                       a driver at least as new as its toolkit (PTX text: its .version;
//                                       fatbin or cubin: treated as CUDA 13.0, as the packed one is)  [13000]
//   ANNEAL_STANDIN_OOM_AT=N             the Nth device allocation fails with CUDA_ERROR_OUT_OF_MEMORY [off]
//   ANNEAL_STANDIN_MEMORY_MIB=N         device memory size                                           [16384]
//   ANNEAL_STANDIN_FAULT_AT_LAUNCH=N    the Nth kernel launch faults when it runs (ILLEGAL_ADDRESS)   [off]
//   ANNEAL_STANDIN_NO_EXECUTE=0|1       1: launches are checked and their parameters copied, then
//                                       dropped (for measuring the host's cost per step)              [0]
#include "../anneal_kernels.cu"
#include "../emu/registry.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#define CU_API(name) extern "C" __attribute__((visibility("default"))) CUresult name

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

namespace {

enum : CUresult {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_UNKNOWN = 999,
};

const char* errorName(CUresult r) {
    switch (r) {
        case CUDA_SUCCESS: return "CUDA_SUCCESS";
        case CUDA_ERROR_INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
        case CUDA_ERROR_OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
        case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
        case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
        case CUDA_ERROR_INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
        case CUDA_ERROR_INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
        case CUDA_ERROR_INVALID_CONTEXT: return "CUDA_ERROR_INVALID_CONTEXT";
        case CUDA_ERROR_NO_BINARY_FOR_GPU: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
        case CUDA_ERROR_UNSUPPORTED_PTX_VERSION: return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
        case CUDA_ERROR_INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
        case CUDA_ERROR_NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
        case CUDA_ERROR_NOT_READY: return "CUDA_ERROR_NOT_READY";
        case CUDA_ERROR_ILLEGAL_ADDRESS: return "CUDA_ERROR_ILLEGAL_ADDRESS";
        case CUDA_ERROR_NOT_SUPPORTED: return "CUDA_ERROR_NOT_SUPPORTED";
        default: return "CUDA_ERROR_UNKNOWN";
    }
}

// ---- configuration -----------------------------------------------------------------------------

struct Config {
    int devices = 1;
    int driverVersion = 13000;
    long long oomAt = 0;  // 0: off
    long long memoryMiB = 16384;
    long long faultAtLaunch = 0;
    bool noExecute = false;
    std::string error;  // non-empty: a bad variable (the message cuGetErrorString gives)
};

bool parseInteger(const char* s, long long lo, long long hi, long long& out) {
    if (s == nullptr || *s == 0) return false;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s, &end, 10);
    if (errno != 0 || *end != 0 || v < lo || v > hi) return false;
    out = v;
    return true;
}

Config readConfig() {
    Config c;
    auto var = [&](const char* name, long long lo, long long hi, const char* allowed, long long& out) {
        const char* v = std::getenv(name);
        if (v == nullptr || !c.error.empty()) return;
        if (!parseInteger(v, lo, hi, out))
            c.error = std::string(name) + " must be " + allowed + ", got '" + v + "' (CPU stand-in driver)";
    };
    long long devices = 1, version = 13000, noExecute = 0;
    var("ANNEAL_STANDIN_DEVICES", 0, 1, "0 (no device) or 1", devices);
    var("ANNEAL_STANDIN_DRIVER_VERSION", 9000, 99990, "a driver version 1000*major + 10*minor between 9000 and 99990 (e.g. 12040)", version);
    var("ANNEAL_STANDIN_OOM_AT", 1, 1LL << 40, "a positive integer (the device allocation that fails)", c.oomAt);
    var("ANNEAL_STANDIN_MEMORY_MIB", 1, 1LL << 24, "a positive number of MiB", c.memoryMiB);
    var("ANNEAL_STANDIN_FAULT_AT_LAUNCH", 1, 1LL << 40, "a positive integer (the kernel launch that faults)", c.faultAtLaunch);
    var("ANNEAL_STANDIN_NO_EXECUTE", 0, 1, "0 or 1", noExecute);
    c.devices = (int)devices;
    c.driverVersion = (int)version;
    c.noExecute = noExecute == 1;
    return c;
}

// ---- kernels: looked up by name, parameters unpacked by each kernel's own C++ signature ----------
// (emu/registry.h, shared with the sanitizer harness, which replays the Java side's launches the same way)

// ---- driver objects ------------------------------------------------------------------------------

constexpr std::size_t kCanary = 256;           // guard bytes in front of and behind every allocation
constexpr unsigned char kCanaryByte = 0xA5;
constexpr unsigned char kPoisonByte = 0xFF;    // 0xFFFFFFFF is a NaN float, 0xFF..FF a NaN double

struct Allocation {
    unsigned char* map;    // mmap'ed region: canary, user bytes rounded up to 256 (slack is canary), canary
    std::size_t mapped;
    std::size_t bytes;     // what was asked for
    bool host;             // pinned host memory (cuMemAllocHost / cuMemHostAlloc)
    unsigned char* user() const { return map + kCanary; }
};

struct Context;

struct Function;
struct Module {
    Context* ctx;
    std::vector<unsigned char> image;
    std::vector<Function*> functions;
};

struct Function {
    Module* module;
    const KernelEntry* kernel;
};

struct Stream {
    Context* ctx;
};

struct Event {
    Context* ctx;
    bool timing;
    bool recorded = false;  // cuEventRecord was called
    bool complete = true;   // the record has executed
    std::chrono::steady_clock::time_point at{};
};

struct KernelCall {
    const KernelEntry* kernel = nullptr;
    dim3 grid, block;
    std::vector<unsigned char> args;
};

struct GraphNode;
struct Graph {
    Context* ctx;
    std::vector<GraphNode*> nodes;  // in creation order, which is a topological order
};
struct GraphNode {
    Graph* graph;
    KernelCall call;
    std::vector<GraphNode*> deps;
};
struct GraphExec {
    Context* ctx;
    std::vector<std::pair<const GraphNode*, KernelCall>> nodes;
};

struct Context {
    bool active = false;
    int retained = 0;
    CUresult sticky = CUDA_SUCCESS;
    std::map<std::uintptr_t, Allocation> live;   // by user address
    std::map<std::uintptr_t, std::size_t> freed;  // user address -> bytes, for messages
    std::size_t deviceBytes = 0;
    std::vector<std::function<void()>> queue;     // work not run yet, in issue order
};

std::recursive_mutex gLock;
Config gConfig;
bool gInitialized = false;
CUresult gInitResult = CUDA_ERROR_NOT_INITIALIZED;
Context gPrimary;
std::set<const void*> gHandles;  // every live handle (modules, functions, streams, events, graphs, ...)
long long gAllocations = 0, gLaunches = 0;
thread_local Context* tCurrent = nullptr;

void report(const std::string& what) { std::fprintf(stderr, "anneal CPU stand-in driver: %s\n", what.c_str()); }

CUresult notSupported(const char* name) {
    static std::set<std::string> said;
    std::lock_guard<std::recursive_mutex> g(gLock);
    if (said.insert(name).second)
        report(std::string(name) + " is not implemented by the stand-in: CUDA_ERROR_NOT_SUPPORTED");
    return CUDA_ERROR_NOT_SUPPORTED;
}

/** The calling thread's context, when one is current, usable and not poisoned. */
CUresult current(Context*& ctx) {
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    ctx = tCurrent;
    if (ctx == nullptr || !ctx->active) return CUDA_ERROR_INVALID_CONTEXT;
    return ctx->sticky;
}

template <class T>
bool isLive(T* handle) {
    return handle != nullptr && gHandles.count(handle) != 0;
}

template <class T>
T* made(T* object) {
    gHandles.insert(object);
    return object;
}

template <class T>
void destroy(T* object) {
    gHandles.erase(object);
    delete object;
}

void fault(Context* ctx, const std::string& why) {
    if (ctx->sticky == CUDA_SUCCESS) report(why + ": CUDA_ERROR_ILLEGAL_ADDRESS (sticky until cuDevicePrimaryCtxReset)");
    ctx->sticky = CUDA_ERROR_ILLEGAL_ADDRESS;
}

/** The live allocation holding [p, p + bytes), or null. */
Allocation* find(Context* ctx, std::uintptr_t p, std::size_t bytes) {
    auto it = ctx->live.upper_bound(p);
    if (it == ctx->live.begin()) return nullptr;
    --it;
    Allocation& a = it->second;
    std::uintptr_t start = reinterpret_cast<std::uintptr_t>(a.user());
    return p >= start && p + bytes <= start + a.bytes && p + bytes >= p ? &a : nullptr;
}

std::string describe(std::uintptr_t p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)p);
    return buf;
}

/** Checks the guard bytes of one allocation; returns a message, empty when intact. */
std::string canaryProblem(const Allocation& a) {
    std::size_t rounded = (a.bytes + kCanary - 1) / kCanary * kCanary;
    for (std::size_t i = 0; i < kCanary; i++)
        if (a.map[i] != kCanaryByte)
            return "a write before the start of the " + std::to_string(a.bytes) + "-byte allocation at " +
                   describe(reinterpret_cast<std::uintptr_t>(a.user()));
    for (std::size_t i = kCanary + a.bytes; i < 2 * kCanary + rounded; i++)
        if (a.map[i] != kCanaryByte)
            return "a write past the end of the " + std::to_string(a.bytes) + "-byte allocation at " +
                   describe(reinterpret_cast<std::uintptr_t>(a.user())) + " (byte " + std::to_string(i - kCanary) + ")";
    return "";
}

void checkCanaries(Context* ctx) {
    for (auto& [p, a] : ctx->live) {
        std::string why = canaryProblem(a);
        if (!why.empty()) {
            fault(ctx, why);
            return;
        }
    }
}

void runKernel(Context* ctx, const KernelCall& call, long long ordinal) {
    if (ctx->sticky != CUDA_SUCCESS) return;  // a poisoned context runs nothing
    const KernelEntry& k = *call.kernel;
    for (std::size_t i = 0; i < k.size.size(); i++) {
        if (!k.pointer[i]) continue;
        std::uintptr_t p;
        std::memcpy(&p, call.args.data() + k.offset[i], sizeof p);
        if (p != 0 && find(ctx, p, 1) == nullptr) {
            auto f = ctx->freed.upper_bound(p);
            bool wasFreed = f != ctx->freed.begin() && (--f, p >= f->first && p < f->first + f->second);
            fault(ctx, std::string("kernel ") + k.name + " argument " + std::to_string(i) + " (" + describe(p) + ") points at " +
                           (wasFreed ? "freed memory" : "no allocation"));
            return;
        }
    }
    if (gConfig.faultAtLaunch == ordinal) {
        fault(ctx, std::string("kernel ") + k.name + " is launch " + std::to_string(ordinal) + ", the one ANNEAL_STANDIN_FAULT_AT_LAUNCH faults");
        return;
    }
    try {
        k.run(call.grid, call.block, call.args.data());
    } catch (const std::exception& e) {
        fault(ctx, std::string("kernel ") + k.name + " failed: " + e.what());
        return;
    }
    checkCanaries(ctx);
}

/** Runs every queued operation of the context, in issue order; returns the context's state. */
CUresult drain(Context* ctx) {
    std::vector<std::function<void()>> work;
    work.swap(ctx->queue);
    for (auto& op : work)
        if (ctx->sticky == CUDA_SUCCESS) op();
    if (ctx->sticky == CUDA_SUCCESS) checkCanaries(ctx);
    return ctx->sticky;
}

/**
 * Queues an operation. Like a GPU's command buffer the queue is shallow: at kQueueDepth operations the host
 * waits (the queue runs), so a host that enqueues faster than the work runs stays a few steps ahead, not a
 * thousand (the real driver blocks at about a thousand launches, but a real GPU also runs them meanwhile).
 */
constexpr std::size_t kQueueDepth = 64;

CUresult push(Context* ctx, std::function<void()> op) {
    ctx->queue.push_back(std::move(op));
    return ctx->queue.size() >= kQueueDepth ? drain(ctx) : CUDA_SUCCESS;
}

void releaseAll(Context* ctx) {
    ctx->queue.clear();
    for (auto& [p, a] : ctx->live) munmap(a.map, a.mapped);
    ctx->live.clear();
    ctx->freed.clear();
    ctx->deviceBytes = 0;
    gHandles.clear();  // every handle belongs to the one context: all become invalid (the objects are kept)
    ctx->sticky = CUDA_SUCCESS;
}

CUresult allocate(Context* ctx, std::size_t bytes, bool host, std::uintptr_t& out) {
    if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    if (!host) {
        gAllocations++;
        if (gConfig.oomAt == gAllocations) return CUDA_ERROR_OUT_OF_MEMORY;
        if (ctx->deviceBytes + bytes > (std::size_t)gConfig.memoryMiB << 20) return CUDA_ERROR_OUT_OF_MEMORY;
    }
    std::size_t rounded = (bytes + kCanary - 1) / kCanary * kCanary;
    std::size_t mapped = (2 * kCanary + rounded + 4095) / 4096 * 4096;
    void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
    Allocation a{static_cast<unsigned char*>(m), mapped, bytes, host};
    std::memset(a.map, kCanaryByte, kCanary);
    std::memset(a.user(), kPoisonByte, bytes);
    std::memset(a.user() + bytes, kCanaryByte, 2 * kCanary + rounded - kCanary - bytes);
    out = reinterpret_cast<std::uintptr_t>(a.user());
    ctx->live.emplace(out, a);
    if (!host) ctx->deviceBytes += bytes;
    return CUDA_SUCCESS;
}

CUresult release(Context* ctx, std::uintptr_t p, bool host) {
    auto it = ctx->live.find(p);
    if (it == ctx->live.end() || it->second.host != host) return CUDA_ERROR_INVALID_VALUE;
    Allocation a = it->second;
    std::string why = canaryProblem(a);
    if (!why.empty()) fault(ctx, why + " (found at free)");
    ctx->live.erase(it);
    ctx->freed[p] = a.bytes;
    if (!host) ctx->deviceBytes -= a.bytes;
    // keep the addresses reserved and inaccessible: freed memory is never handed out again
    mmap(a.map, a.mapped, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return ctx->sticky;
}

/** Stream handle check: the legacy/per-thread default streams, or a live stream of this context. */
bool validStream(Context* ctx, Stream* s) {
    std::uintptr_t v = reinterpret_cast<std::uintptr_t>(s);
    return v == 0 || v == 1 || v == 2 || (isLive(s) && s->ctx == ctx);
}

/** Copies one launch's parameters by the kernel's signature. */
CUresult capture(const Function* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                 unsigned sharedMem, void** params, void** extra, KernelCall& call) {
    if (!isLive(f)) return CUDA_ERROR_INVALID_HANDLE;
    if (extra != nullptr) return notSupported("cuLaunchKernel with 'extra' (packed parameter buffer)");
    unsigned long long threads = (unsigned long long)bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || threads == 0 || threads > 1024 || bz > 64 || gy > 65535 || gz > 65535 || sharedMem > 48 * 1024)
        return CUDA_ERROR_INVALID_VALUE;
    const KernelEntry& k = *f->kernel;
    if (!k.size.empty() && params == nullptr) return CUDA_ERROR_INVALID_VALUE;
    call.kernel = &k;
    call.grid = dim3(gx, gy, gz);
    call.block = dim3(bx, by, bz);
    call.args.assign(k.bytes, 0);
    for (std::size_t i = 0; i < k.size.size(); i++) {
        if (params[i] == nullptr) return CUDA_ERROR_INVALID_VALUE;
        std::memcpy(call.args.data() + k.offset[i], params[i], k.size[i]);
    }
    return CUDA_SUCCESS;
}

CUresult enqueueKernel(Context* ctx, const KernelCall& call) {
    long long ordinal = ++gLaunches;
    if (gConfig.noExecute) return CUDA_SUCCESS;
    return push(ctx, [ctx, call, ordinal] { runKernel(ctx, call, ordinal); });
}

/** PTX ISA version -> the oldest driver that JIT-compiles it (CUDA release notes). */
int driverForPtx(int major, int minor) {
    if (major < 7) return 10000;
    if (major == 7) return 11000 + 10 * minor;
    if (major == 8) return minor <= 5 ? 12000 + 10 * minor : 12070 + 10 * (minor - 6);
    return 13000 + 10 * (major - 9) * 100 + 10 * minor;
}

/** Checks an image the way the driver's loader would; fills its size. */
CUresult inspectImage(const unsigned char* image, std::size_t& size) {
    std::uint32_t magic;
    std::memcpy(&magic, image, 4);
    if (magic == 0xBA55ED50u) {  // fatbin: u32 magic, u16 version, u16 header size, u64 payload size
        std::uint16_t header;
        std::uint64_t payload;
        std::memcpy(&header, image + 6, 2);
        std::memcpy(&payload, image + 8, 8);
        if (header < 16 || payload == 0 || payload > (1ull << 32)) return CUDA_ERROR_INVALID_IMAGE;
        size = header + payload;
        return gConfig.driverVersion < 13000 ? CUDA_ERROR_UNSUPPORTED_PTX_VERSION : CUDA_SUCCESS;
    }
    if (std::memcmp(image, "\x7f" "ELF", 4) == 0) {  // cubin: section headers end the file
        if (image[4] != 2) return CUDA_ERROR_INVALID_IMAGE;
        std::uint64_t shoff;
        std::uint16_t shentsize, shnum;
        std::memcpy(&shoff, image + 0x28, 8);
        std::memcpy(&shentsize, image + 0x3A, 2);
        std::memcpy(&shnum, image + 0x3C, 2);
        size = shoff + (std::uint64_t)shentsize * shnum;
        return gConfig.driverVersion < 13000 ? CUDA_ERROR_NO_BINARY_FOR_GPU : CUDA_SUCCESS;
    }
    // PTX: NUL-terminated text with a .version and a .target line
    std::size_t n = strnlen(reinterpret_cast<const char*>(image), 64u << 20);
    std::string text(reinterpret_cast<const char*>(image), n);
    for (unsigned char c : text)
        if (c != '\n' && c != '\r' && c != '\t' && (c < 32 || c > 126)) return CUDA_ERROR_INVALID_IMAGE;
    std::size_t v = text.find("\n.version "), t = text.find("\n.target ");
    if (text.rfind(".version ", 0) == 0) v = 0;
    if (v == std::string::npos || t == std::string::npos) return CUDA_ERROR_INVALID_IMAGE;
    int major = 0, minor = 0;
    if (std::sscanf(text.c_str() + v + (v == 0 ? 0 : 1), ".version %d.%d", &major, &minor) != 2) return CUDA_ERROR_INVALID_IMAGE;
    size = n;
    return driverForPtx(major, minor) > gConfig.driverVersion ? CUDA_ERROR_UNSUPPORTED_PTX_VERSION : CUDA_SUCCESS;
}

struct CUDA_KERNEL_NODE_PARAMS_v2 {
    Function* func;
    unsigned gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes;
    void** kernelParams;
    void** extra;
    void* kern;
    void* ctx;
};

CUresult captureNode(const CUDA_KERNEL_NODE_PARAMS_v2* p, KernelCall& call) {
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (p->func == nullptr && p->kern != nullptr) return notSupported("graph kernel nodes given a CUkernel");
    return capture(p->func, p->gridDimX, p->gridDimY, p->gridDimZ, p->blockDimX, p->blockDimY, p->blockDimZ, p->sharedMemBytes,
                   p->kernelParams, p->extra, call);
}

#define LOCKED std::lock_guard<std::recursive_mutex> guard(gLock)
#define NEED_CONTEXT(ctx)                      \
    Context* ctx = nullptr;                    \
    if (CUresult r_ = current(ctx); r_ != CUDA_SUCCESS) return r_

}  // namespace

// ---- initialisation and devices ------------------------------------------------------------------

CU_API(cuInit)(unsigned flags) {
    LOCKED;
    if (gInitialized) return CUDA_SUCCESS;
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    gConfig = readConfig();
    if (!gConfig.error.empty()) return gInitResult = CUDA_ERROR_INVALID_VALUE;
    if (gConfig.devices == 0) return gInitResult = CUDA_ERROR_NO_DEVICE;
    gInitialized = true;
    return gInitResult = CUDA_SUCCESS;
}

CU_API(cuDriverGetVersion)(int* version) {
    LOCKED;
    if (version == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (gConfig.error.empty()) *version = (gInitialized ? gConfig : readConfig()).driverVersion;
    else *version = 13000;
    return CUDA_SUCCESS;
}

CU_API(cuDeviceGetCount)(int* count) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (count == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *count = 1;
    return CUDA_SUCCESS;
}

CU_API(cuDeviceGet)(CUdevice* device, int ordinal) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *device = 0;
    return CUDA_SUCCESS;
}

/** The name Java shows; anneal.backend.cuda.CudaDevice recognises the stand-in by its first words. */
static const char kDeviceName[] = "Anneal CPU stand-in driver (no GPU: kernels emulated on the CPU)";

CU_API(cuDeviceGetName)(char* name, int len, CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (name == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    std::snprintf(name, (std::size_t)len, "%s", kDeviceName);
    return CUDA_SUCCESS;
}

CU_API(cuDeviceGetAttribute)(int* value, int attribute, CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
    switch (attribute) {
        case 1: *value = 1024; break;          // MAX_THREADS_PER_BLOCK
        case 2: case 3: *value = 1024; break;  // MAX_BLOCK_DIM_X, _Y
        case 4: *value = 64; break;            // MAX_BLOCK_DIM_Z
        case 5: *value = 2147483647; break;    // MAX_GRID_DIM_X
        case 6: case 7: *value = 65535; break; // MAX_GRID_DIM_Y, _Z
        case 8: *value = 48 * 1024; break;     // MAX_SHARED_MEMORY_PER_BLOCK
        case 10: *value = 32; break;           // WARP_SIZE
        case 16: *value = 1; break;            // MULTIPROCESSOR_COUNT
        case 41: *value = 1; break;            // UNIFIED_ADDRESSING
        case 75: *value = 9; break;            // COMPUTE_CAPABILITY_MAJOR
        case 76: *value = 0; break;            // COMPUTE_CAPABILITY_MINOR
        default: return notSupported("cuDeviceGetAttribute of this attribute");
    }
    return CUDA_SUCCESS;
}

CU_API(cuDeviceComputeCapability)(int* major, int* minor, CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (major == nullptr || minor == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *major = 9;
    *minor = 0;
    return CUDA_SUCCESS;
}

CU_API(cuDeviceTotalMem_v2)(std::size_t* bytes, CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *bytes = (std::size_t)gConfig.memoryMiB << 20;
    return CUDA_SUCCESS;
}

// ---- the primary context ---------------------------------------------------------------------------

CU_API(cuDevicePrimaryCtxRetain)(Context** ctx, CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (ctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!gPrimary.active) {
        gPrimary.active = true;
        gPrimary.sticky = CUDA_SUCCESS;
    }
    gPrimary.retained++;
    *ctx = &gPrimary;
    return CUDA_SUCCESS;
}

CU_API(cuDevicePrimaryCtxRelease_v2)(CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (gPrimary.retained == 0) return CUDA_ERROR_INVALID_CONTEXT;
    if (--gPrimary.retained == 0) {
        if (gPrimary.sticky == CUDA_SUCCESS) drain(&gPrimary);
        releaseAll(&gPrimary);
        gPrimary.active = false;
    }
    return CUDA_SUCCESS;
}

CU_API(cuDevicePrimaryCtxReset_v2)(CUdevice device) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    releaseAll(&gPrimary);  // frees everything and clears a sticky error; retains stay
    if (gPrimary.retained == 0) gPrimary.active = false;
    return CUDA_SUCCESS;
}

CU_API(cuDevicePrimaryCtxGetState)(CUdevice device, unsigned* flags, int* active) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (flags == nullptr || active == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *flags = 0;
    *active = gPrimary.active ? 1 : 0;
    return CUDA_SUCCESS;
}

CU_API(cuCtxSetCurrent)(Context* ctx) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (ctx != nullptr && ctx != &gPrimary) return CUDA_ERROR_INVALID_CONTEXT;
    tCurrent = ctx;
    return CUDA_SUCCESS;
}

CU_API(cuCtxGetCurrent)(Context** ctx) {
    LOCKED;
    if (!gInitialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (ctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *ctx = tCurrent;
    return CUDA_SUCCESS;
}

CU_API(cuCtxGetDevice)(CUdevice* device) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *device = 0;
    return CUDA_SUCCESS;
}

CU_API(cuCtxSynchronize)() {
    LOCKED;
    NEED_CONTEXT(ctx);
    return drain(ctx);
}

// ---- streams -------------------------------------------------------------------------------------

CU_API(cuStreamCreate)(Stream** stream, unsigned flags) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (stream == nullptr || flags > 1) return CUDA_ERROR_INVALID_VALUE;
    *stream = made(new Stream{ctx});
    return CUDA_SUCCESS;
}

CU_API(cuStreamDestroy_v2)(Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(stream) || stream->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    CUresult r = drain(ctx);  // its pending work completes first
    destroy(stream);
    return r;
}

CU_API(cuStreamSynchronize)(Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return drain(ctx);
}

CU_API(cuStreamQuery)(Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return ctx->queue.empty() ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

// ---- memory --------------------------------------------------------------------------------------

CU_API(cuMemAlloc_v2)(CUdeviceptr* p, std::size_t bytes) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::uintptr_t out;
    CUresult r = allocate(ctx, bytes, false, out);
    if (r == CUDA_SUCCESS) *p = out;
    return r;
}

CU_API(cuMemFree_v2)(CUdeviceptr p) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (p == 0) return CUDA_SUCCESS;
    if (CUresult r = drain(ctx); r != CUDA_SUCCESS) return r;
    return release(ctx, p, false);
}

CU_API(cuMemGetInfo_v2)(std::size_t* free, std::size_t* total) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (free == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *total = (std::size_t)gConfig.memoryMiB << 20;
    *free = *total - ctx->deviceBytes;
    return CUDA_SUCCESS;
}

CU_API(cuMemAllocHost_v2)(void** p, std::size_t bytes) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::uintptr_t out;
    CUresult r = allocate(ctx, bytes, true, out);
    if (r == CUDA_SUCCESS) *p = reinterpret_cast<void*>(out);
    return r;
}

CU_API(cuMemHostAlloc)(void** p, std::size_t bytes, unsigned flags) {
    return cuMemAllocHost_v2(p, bytes);
}

CU_API(cuMemFreeHost)(void* p) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (CUresult r = drain(ctx); r != CUDA_SUCCESS) return r;
    return release(ctx, reinterpret_cast<std::uintptr_t>(p), true);
}

CU_API(cuMemHostGetDevicePointer_v2)(CUdeviceptr* d, void* p, unsigned flags) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (d == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    Allocation* a = find(ctx, reinterpret_cast<std::uintptr_t>(p), 1);
    if (a == nullptr || !a->host) return CUDA_ERROR_INVALID_VALUE;
    *d = reinterpret_cast<std::uintptr_t>(p);  // unified addressing: the same address
    return CUDA_SUCCESS;
}

namespace {
bool isPinned(Context* ctx, const void* p, std::size_t bytes) {
    Allocation* a = find(ctx, reinterpret_cast<std::uintptr_t>(p), bytes);
    return a != nullptr && a->host;
}

/** Host-to-device copy on a stream: from pinned memory it reads the host bytes when it runs (as DMA does);
 *  from pageable memory the driver stages the bytes at once, so the caller may reuse its buffer. */
CUresult copyIn(Context* ctx, CUdeviceptr dst, const void* src, std::size_t bytes, bool async) {
    if (bytes == 0) return CUDA_SUCCESS;
    if (src == nullptr || find(ctx, dst, bytes) == nullptr) return CUDA_ERROR_INVALID_VALUE;
    unsigned char* to = reinterpret_cast<unsigned char*>(dst);
    if (async && isPinned(ctx, src, bytes)) {
        return push(ctx, [to, src, bytes] { std::memcpy(to, src, bytes); });
    }
    std::vector<unsigned char> staged(static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + bytes);
    CUresult r = push(ctx, [to, staged = std::move(staged)] { std::memcpy(to, staged.data(), staged.size()); });
    return async ? r : drain(ctx);
}

CUresult copyOut(Context* ctx, void* dst, CUdeviceptr src, std::size_t bytes, bool async) {
    if (bytes == 0) return CUDA_SUCCESS;
    if (dst == nullptr || find(ctx, src, bytes) == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const unsigned char* from = reinterpret_cast<const unsigned char*>(src);
    if (async && isPinned(ctx, dst, bytes)) {
        return push(ctx, [dst, from, bytes] { std::memcpy(dst, from, bytes); });
    }
    if (CUresult r = drain(ctx); r != CUDA_SUCCESS) return r;  // to pageable memory: synchronous
    std::memcpy(dst, from, bytes);
    return CUDA_SUCCESS;
}

template <class T>
CUresult fill(Context* ctx, CUdeviceptr dst, T value, std::size_t count, bool async) {
    if (count == 0) return CUDA_SUCCESS;
    if (dst % sizeof(T) != 0 || find(ctx, dst, count * sizeof(T)) == nullptr) return CUDA_ERROR_INVALID_VALUE;
    T* to = reinterpret_cast<T*>(dst);
    CUresult r = push(ctx, [to, value, count] { std::fill(to, to + count, value); });
    return async ? r : drain(ctx);
}
}  // namespace

CU_API(cuMemcpyHtoD_v2)(CUdeviceptr dst, const void* src, std::size_t bytes) {
    LOCKED;
    NEED_CONTEXT(ctx);
    return copyIn(ctx, dst, src, bytes, false);
}

CU_API(cuMemcpyHtoDAsync_v2)(CUdeviceptr dst, const void* src, std::size_t bytes, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return copyIn(ctx, dst, src, bytes, true);
}

CU_API(cuMemcpyDtoH_v2)(void* dst, CUdeviceptr src, std::size_t bytes) {
    LOCKED;
    NEED_CONTEXT(ctx);
    return copyOut(ctx, dst, src, bytes, false);
}

CU_API(cuMemcpyDtoHAsync_v2)(void* dst, CUdeviceptr src, std::size_t bytes, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return copyOut(ctx, dst, src, bytes, true);
}

CU_API(cuMemcpyDtoD_v2)(CUdeviceptr dst, CUdeviceptr src, std::size_t bytes) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (bytes == 0) return CUDA_SUCCESS;
    if (find(ctx, dst, bytes) == nullptr || find(ctx, src, bytes) == nullptr) return CUDA_ERROR_INVALID_VALUE;
    push(ctx, [dst, src, bytes] { std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<void*>(src), bytes); });
    return drain(ctx);
}

CU_API(cuMemsetD32_v2)(CUdeviceptr dst, unsigned value, std::size_t count) {
    LOCKED;
    NEED_CONTEXT(ctx);
    return fill<unsigned>(ctx, dst, value, count, false);
}

CU_API(cuMemsetD32Async)(CUdeviceptr dst, unsigned value, std::size_t count, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return fill<unsigned>(ctx, dst, value, count, true);
}

CU_API(cuMemsetD8_v2)(CUdeviceptr dst, unsigned char value, std::size_t count) {
    LOCKED;
    NEED_CONTEXT(ctx);
    return fill<unsigned char>(ctx, dst, value, count, false);
}

CU_API(cuMemsetD8Async)(CUdeviceptr dst, unsigned char value, std::size_t count, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    return fill<unsigned char>(ctx, dst, value, count, true);
}

// ---- modules and launches --------------------------------------------------------------------------

CU_API(cuModuleLoadData)(Module** module, const void* image) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (module == nullptr || image == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::size_t size = 0;
    CUresult r = inspectImage(static_cast<const unsigned char*>(image), size);
    if (r != CUDA_SUCCESS) return r;
    const unsigned char* bytes = static_cast<const unsigned char*>(image);
    *module = made(new Module{ctx, std::vector<unsigned char>(bytes, bytes + size), {}});
    return CUDA_SUCCESS;
}

CU_API(cuModuleLoadDataEx)(Module** module, const void* image, unsigned options, void* optionKeys, void** optionValues) {
    return cuModuleLoadData(module, image);  // JIT options only steer the compiler, which the stand-in has none of
}

CU_API(cuModuleUnload)(Module* module) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(module) || module->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    CUresult r = drain(ctx);
    for (Function* f : module->functions) destroy(f);  // its functions become invalid handles
    destroy(module);
    return r;
}

CU_API(cuModuleGetFunction)(Function** function, Module* module, const char* name) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (function == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!isLive(module) || module->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    std::size_t len = std::strlen(name);
    auto& img = module->image;
    bool inImage = std::search(img.begin(), img.end(), name, name + len) != img.end();
    if (!inImage) return CUDA_ERROR_NOT_FOUND;
    for (const KernelEntry& k : kernels())
        if (std::strcmp(k.name, name) == 0) {
            *function = made(new Function{module, &k});
            module->functions.push_back(*function);
            return CUDA_SUCCESS;
        }
    report(std::string("the module has a kernel '") + name + "' that the stand-in does not emulate (add it to kernels() in emu/registry.h)");
    return CUDA_ERROR_NOT_FOUND;
}

CU_API(cuLaunchKernel)(Function* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                       unsigned sharedMem, Stream* stream, void** params, void** extra) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    if (isLive(f) && f->module->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    KernelCall call;
    if (CUresult r = capture(f, gx, gy, gz, bx, by, bz, sharedMem, params, extra, call); r != CUDA_SUCCESS) return r;
    return enqueueKernel(ctx, call);
}

// ---- events --------------------------------------------------------------------------------------

CU_API(cuEventCreate)(Event** event, unsigned flags) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (event == nullptr || flags > 7) return CUDA_ERROR_INVALID_VALUE;
    *event = made(new Event{ctx, (flags & 2) == 0});
    return CUDA_SUCCESS;
}

CU_API(cuEventDestroy_v2)(Event* event) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(event) || event->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    CUresult r = drain(ctx);  // a pending record must not touch a deleted event
    destroy(event);
    return r;
}

CU_API(cuEventRecord)(Event* event, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(event) || event->ctx != ctx || !validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    event->recorded = true;
    event->complete = false;
    return push(ctx, [event] {
        event->at = std::chrono::steady_clock::now();
        event->complete = true;
    });
}

CU_API(cuEventSynchronize)(Event* event) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(event) || event->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    return drain(ctx);
}

CU_API(cuEventQuery)(Event* event) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(event) || event->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    return event->complete ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CU_API(cuEventElapsedTime)(float* ms, Event* start, Event* end) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (ms == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!isLive(start) || !isLive(end) || start->ctx != ctx || end->ctx != ctx || !start->timing || !end->timing)
        return CUDA_ERROR_INVALID_HANDLE;
    if (!start->recorded || !end->recorded) return CUDA_ERROR_INVALID_HANDLE;
    if (!start->complete || !end->complete) return CUDA_ERROR_NOT_READY;
    *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
    return CUDA_SUCCESS;
}

// ---- graphs --------------------------------------------------------------------------------------

CU_API(cuGraphCreate)(Graph** graph, unsigned flags) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (graph == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    *graph = made(new Graph{ctx, {}});
    return CUDA_SUCCESS;
}

CU_API(cuGraphAddKernelNode_v2)(GraphNode** node, Graph* graph, GraphNode* const* deps, std::size_t count,
                                const CUDA_KERNEL_NODE_PARAMS_v2* params) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (node == nullptr || (count > 0 && deps == nullptr)) return CUDA_ERROR_INVALID_VALUE;
    if (!isLive(graph) || graph->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    auto* n = new GraphNode{graph, {}, {}};
    for (std::size_t i = 0; i < count; i++) {
        if (!isLive(deps[i]) || deps[i]->graph != graph) {
            delete n;
            return CUDA_ERROR_INVALID_VALUE;
        }
        n->deps.push_back(deps[i]);
    }
    if (CUresult r = captureNode(params, n->call); r != CUDA_SUCCESS) {
        delete n;
        return r;
    }
    graph->nodes.push_back(made(n));
    *node = n;
    return CUDA_SUCCESS;
}

CU_API(cuGraphKernelNodeSetParams_v2)(GraphNode* node, const CUDA_KERNEL_NODE_PARAMS_v2* params) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(node)) return CUDA_ERROR_INVALID_HANDLE;
    KernelCall call;
    if (CUresult r = captureNode(params, call); r != CUDA_SUCCESS) return r;
    node->call = std::move(call);
    return CUDA_SUCCESS;
}

CU_API(cuGraphInstantiateWithFlags)(GraphExec** exec, Graph* graph, unsigned long long flags) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (exec == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!isLive(graph) || graph->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    if (flags != 0) return notSupported("cuGraphInstantiateWithFlags with flags");
    auto* e = new GraphExec{ctx, {}};
    for (GraphNode* n : graph->nodes) e->nodes.emplace_back(n, n->call);  // parameters copied now
    *exec = made(e);
    return CUDA_SUCCESS;
}

CU_API(cuGraphExecKernelNodeSetParams_v2)(GraphExec* exec, GraphNode* node, const CUDA_KERNEL_NODE_PARAMS_v2* params) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(exec) || exec->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    for (auto& [origin, call] : exec->nodes)
        if (origin == node) {
            KernelCall updated;
            if (CUresult r = captureNode(params, updated); r != CUDA_SUCCESS) return r;
            if (updated.kernel != call.kernel) return CUDA_ERROR_INVALID_VALUE;  // a node keeps its kernel here
            call = std::move(updated);
            return CUDA_SUCCESS;
        }
    return CUDA_ERROR_INVALID_VALUE;  // not a node of the graph this exec was instantiated from
}

CU_API(cuGraphLaunch)(GraphExec* exec, Stream* stream) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(exec) || exec->ctx != ctx || !validStream(ctx, stream)) return CUDA_ERROR_INVALID_HANDLE;
    for (auto& [origin, call] : exec->nodes)  // each launch copies the node parameters
        if (CUresult r = enqueueKernel(ctx, call); r != CUDA_SUCCESS) return r;
    return CUDA_SUCCESS;
}

CU_API(cuGraphExecDestroy)(GraphExec* exec) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(exec) || exec->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    destroy(exec);
    return CUDA_SUCCESS;
}

CU_API(cuGraphDestroy)(Graph* graph) {
    LOCKED;
    NEED_CONTEXT(ctx);
    if (!isLive(graph) || graph->ctx != ctx) return CUDA_ERROR_INVALID_HANDLE;
    for (GraphNode* n : graph->nodes) destroy(n);
    destroy(graph);
    return CUDA_SUCCESS;
}

// ---- errors ------------------------------------------------------------------------------------

CU_API(cuGetErrorName)(CUresult error, const char** name) {
    if (name == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *name = errorName(error);
    return CUDA_SUCCESS;
}

CU_API(cuGetErrorString)(CUresult error, const char** text) {
    LOCKED;
    if (text == nullptr) return CUDA_ERROR_INVALID_VALUE;
    // a bad mode variable: cuInit returned CUDA_ERROR_INVALID_VALUE, and this says which and why
    if (error == CUDA_ERROR_INVALID_VALUE && !gConfig.error.empty()) *text = gConfig.error.c_str();
    else *text = errorName(error);
    return CUDA_SUCCESS;
}

// ---- everything else JCuda references --------------------------------------------------------------

#include "unsupported.inc"
