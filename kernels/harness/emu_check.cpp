// emu_check.cpp: runs every kernel of anneal_kernels.cu under the CPU emulator (emu/cuda_emu.h) on the
// cases written by the Java test anneal.backend.cuda.KernelEmulationTest, each launched with the grid, block and
// k chunk the Java side computed (anneal.backend.cuda.Kernels: the backend's own arithmetic; this file has none,
// and no step sequence either: the whole step runs through the CPU stand-in driver in StandInDriverTest, as
// CudaBackend launches it). It does not judge: it writes what each kernel produced (got_NAME.f32 / .f64 / .i32 /
// .u8 in the case's directory), and the Java test judges those with anneal.backend.cuda.KernelJudge, the same
// judge as the device (and stand-in) runs. Built with -fsanitize=address,undefined, so an out-of-bounds or
// misaligned access fails the run.
//
// Usage: emu_check CASES_DIR      (each sub-directory is one case)
//        emu_check --layout       (prints the byte layout of the SGD argument structs)
// A case directory holds case.txt ("key value" lines: op, sizes, scalars as C hex floats, the grid) and raw
// little-endian input tensors NAME.f32 / NAME.i32 / NAME.u8. Prints one "RAN name" (or "ERROR name: why") line
// per case; the exit status is the number of cases that could not run (capped at 100), 0 when all ran.
#include "../anneal_kernels.cu"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Case {
    fs::path dir;
    std::map<std::string, std::string> kv;

    std::string str(const std::string& k) const {
        auto it = kv.find(k);
        if (it == kv.end()) throw std::runtime_error("case.txt lacks '" + k + "'");
        return it->second;
    }
    int i(const std::string& k) const { return std::stoi(str(k)); }
    double d(const std::string& k) const { return std::strtod(str(k).c_str(), nullptr); }
    float f(const std::string& k) const { return std::strtof(str(k).c_str(), nullptr); }
    bool hasTensor(const std::string& name) const { return fs::exists(dir / (name + ".f32")); }

    template <class T>
    std::vector<T> tensor(const std::string& file) const {
        std::ifstream in(dir / file, std::ios::binary);
        if (!in) throw std::runtime_error("missing tensor file " + file);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.size() % sizeof(T) != 0) throw std::runtime_error(file + ": size not a multiple of the element");
        std::vector<T> v(bytes.size() / sizeof(T));
        std::memcpy(v.data(), bytes.data(), bytes.size());
        return v;
    }
    std::vector<float> f32(const std::string& name) const { return tensor<float>(name + ".f32"); }
    std::vector<int> i32(const std::string& name) const { return tensor<int>(name + ".i32"); }
    std::vector<unsigned char> u8(const std::string& name) const { return tensor<unsigned char>(name + ".u8"); }
};

Case readCase(const fs::path& dir) {
    Case c{dir, {}};
    std::ifstream in(dir / "case.txt");
    if (!in) throw std::runtime_error("missing case.txt");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string k, v;
        if (ls >> k >> v) c.kv[k] = v;
    }
    return c;
}

/** Writes one output of a case: got_NAME.EXT, raw little-endian values. */
template <class T>
void put(const Case& c, const std::string& name, const std::vector<T>& v) {
    const char* ext = std::is_same_v<T, float> ? ".f32" : std::is_same_v<T, double> ? ".f64" : std::is_same_v<T, int> ? ".i32" : ".u8";
    std::ofstream out(c.dir / ("got_" + name + ext), std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()), (std::streamsize)(v.size() * sizeof(T)));
    if (!out) throw std::runtime_error("cannot write got_" + name);
}
void put(const Case& c, const std::string& name, double scalar) { put(c, name, std::vector<double>{scalar}); }

/** The launch's grid and block, as the Java side computed them (anneal.backend.cuda.Kernels, the backend's own). */
dim3 grid(const Case& c) { return dim3((unsigned)c.i("grid_x"), (unsigned)c.i("grid_y"), (unsigned)c.i("grid_z")); }

/** The split-K scratch of linear.cu, as anneal.backend.cuda.Kernels.Workspace allocates it (counters zeroed). */
struct Workspace {
    std::vector<float> partials;
    std::vector<int> counters;
    explicit Workspace(const Case& c)
        : partials((std::size_t)c.i("workspace_floats"), NAN), counters((std::size_t)c.i("workspace_counters"), 0) {}
};
dim3 block(const Case& c) { return dim3((unsigned)c.i("block")); }

/** Copies the raw words the Java side packed (anneal.backend.cuda.SgdArgs) into a kernel argument struct. */
template <class T>
T readStruct(const Case& c, const std::string& name) {
    auto words = c.i32(name);
    if (words.size() * sizeof(int) != sizeof(T))
        throw std::runtime_error(name + ": " + std::to_string(words.size() * sizeof(int)) + " bytes, the struct has " + std::to_string(sizeof(T)));
    T t;
    std::memcpy(&t, words.data(), sizeof(T));
    return t;
}

void run(const Case& c) {
    const std::string op = c.str("op");
    if (op == "gather_batch") {
        auto X = c.f32("X");
        auto labels = c.u8("labels");
        auto perm = c.i32("perm");
        int offset = c.i("offset"), rows = c.i("rows"), features = c.i("features");
        std::vector<float> xb(rows * features, NAN);
        std::vector<unsigned char> yb(rows, 255);
        std::vector<double> stepStats{7.0, 7.0};
        emu::launch(grid(c), block(c), gather_batch, X.data(),
                    labels.data(), perm.data(), offset, rows, features, xb.data(), yb.data(), stepStats.data());
        put(c, "xb", xb);
        put(c, "yb", yb);
        put(c, "stepStats", stepStats);
    } else if (op == "matmul_forward") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), relu = c.i("relu");
        auto X = c.f32("X"), W = c.f32("W");
        std::vector<float> bias = c.hasTensor("bias") ? c.f32("bias") : std::vector<float>{};
        std::vector<float> Y(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_forward, X.data(), W.data(),
                    bias.empty() ? nullptr : bias.data(), Y.data(), m, n, k, relu);
        put(c, "Y", Y);
    } else if (op == "matmul_backward_input") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k");
        auto dY = c.f32("dY"), W = c.f32("W");
        std::vector<float> H = c.hasTensor("H") ? c.f32("H") : std::vector<float>{};
        std::vector<float> dX(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_backward_input, dY.data(), W.data(),
                    H.empty() ? nullptr : H.data(), dX.data(), m, n, k);
        put(c, "dX", dX);
    } else if (op == "matmul_backward_weight") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k");
        auto dY = c.f32("dY"), X = c.f32("X");
        std::vector<float> dW(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_backward_weight, dY.data(), X.data(), dW.data(), m, n, k);
        put(c, "dW", dW);
    } else if (op == "softmax_xent") {
        int rows = c.i("rows"), cols = c.i("cols");
        auto logits = c.f32("logits");
        auto labels = c.u8("labels");
        bool grad = c.i("grad") != 0;
        std::vector<float> d(grad ? rows * cols : 0, NAN);
        std::vector<double> stats{0, 0}, step{0, 0};
        double weight = grad ? 1.0 / rows : 1.0;
        emu::launch(grid(c), block(c), softmax_xent, logits.data(), labels.data(),
                    grad ? d.data() : nullptr, rows, cols, rows, weight, stats.data(), grad ? step.data() : nullptr);
        double meanLoss = grad ? stats[0] : stats[0] / rows;
        put(c, "loss", meanLoss);
        put(c, "correct", stats[1]);
        if (grad) {
            put(c, "dlogits", d);
        }
    } else if (op == "bias_grad") {
        int rows = c.i("rows"), cols = c.i("cols");
        auto dY = c.f32("dY");
        std::vector<float> db(cols, NAN);
        emu::launch(grid(c), block(c), bias_grad, dY.data(), db.data(), rows, cols);
        put(c, "db", db);
    } else if (op == "sgd_update") {
        SgdLayout layout = readStruct<SgdLayout>(c, "sgd_layout");
        SgdStep step = readStruct<SgdStep>(c, "sgd_step");
        auto grads = c.f32("grads");
        int total = (int)grads.size();
        for (int viaScalars = 0; viaScalars < 2; viaScalars++) {
            auto params = c.f32("params"), bufs = c.f32("bufs");
            if (viaScalars) {
                SgdStep* deviceStep = new SgdStep(step);  // stands in for the device scalar buffer
                emu::launch(grid(c), block(c), sgd_update_scalars, params.data(),
                            grads.data(), bufs.data(), total, layout, static_cast<const SgdStep*>(deviceStep));
                delete deviceStep;
            } else {
                emu::launch(grid(c), block(c), sgd_update, params.data(), grads.data(),
                            bufs.data(), total, layout, step);
            }
            put(c, viaScalars ? "params_scalars" : "params", params);  // KernelJudge: the two deliveries must agree
            put(c, viaScalars ? "bufs_scalars" : "bufs", bufs);
        }
    } else if (op == "linear_forward") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), relu = c.i("relu"), chunk = c.i("k_chunk");
        auto X = c.f32("X"), W = c.f32("W"), bias = c.f32("bias");
        bool gathered = c.kv.count("offset") != 0;
        std::vector<int> perm = gathered ? c.i32("perm") : std::vector<int>{};
        std::vector<float> Y(m * n, NAN);
        std::vector<double> stepStats{NAN, NAN};
        int stepOffset = -1;
        Workspace ws(c);
        emu::launch(grid(c), block(c), linear_forward, X.data(), gathered ? perm.data() : nullptr, gathered ? c.i("offset") : 0,
                    W.data(), bias.data(), Y.data(), m, n, k, relu, chunk, ws.partials.data(), ws.counters.data(),
                    gathered ? stepStats.data() : nullptr, gathered ? &stepOffset : nullptr);
        put(c, "Y", Y);
        if (gathered) {
            put(c, "stepStats", stepStats);
            put(c, "stepOffset", stepOffset);
        }
        put(c, "counters", ws.counters);
    } else if (op == "linear_backward_input") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), chunk = c.i("k_chunk");
        auto dY = c.f32("dY"), W = c.f32("W");
        std::vector<float> H = c.hasTensor("H") ? c.f32("H") : std::vector<float>{};
        std::vector<float> dX(m * n, NAN);
        Workspace ws(c);
        emu::launch(grid(c), block(c), linear_backward_input, dY.data(), W.data(), H.empty() ? nullptr : H.data(), dX.data(), m, n, k,
                    chunk, ws.partials.data(), ws.counters.data());
        put(c, "dX", dX);
        put(c, "counters", ws.counters);
    } else if (op == "linear_backward_weight") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), chunk = c.i("k_chunk");
        auto dY = c.f32("dY"), X = c.f32("X");
        bool gathered = c.kv.count("offset") != 0, withBias = c.kv.count("bias") != 0;
        std::vector<int> perm = gathered ? c.i32("perm") : std::vector<int>{};
        int offset = gathered ? c.i("offset") : 0;
        std::vector<float> dW(m * n, NAN), db(m, NAN);
        Workspace ws(c);
        emu::launch(grid(c), block(c), linear_backward_weight, dY.data(), X.data(), gathered ? perm.data() : nullptr,
                    gathered ? &offset : nullptr, dW.data(), withBias ? db.data() : nullptr, m, n, k, chunk, ws.partials.data(),
                    ws.counters.data());
        put(c, "dW", dW);
        if (withBias) put(c, "db", db);
        put(c, "counters", ws.counters);
    } else if (op == "linear_softmax_xent") {
        int rows = c.i("rows"), classes = c.i("classes"), k = c.i("k");
        auto X = c.f32("X"), W = c.f32("W"), bias = c.f32("bias");
        auto labels = c.u8("labels");
        bool train = c.kv.count("offset") != 0;
        std::vector<int> perm = train ? c.i32("perm") : std::vector<int>{};
        int offset = train ? c.i("offset") : 0;
        std::vector<float> d(train ? rows * classes : 0, NAN), dX(train ? rows * k : 0, NAN);
        std::vector<double> stats{0, 0};
        emu::launch(grid(c), block(c), linear_softmax_xent, X.data(), W.data(), bias.data(), labels.data(),
                    train ? perm.data() : nullptr, train ? &offset : nullptr, train ? d.data() : nullptr, train ? dX.data() : nullptr,
                    rows, classes, k, rows, train ? 1.0 / rows : 1.0, stats.data(), nullptr);
        put(c, "loss", train ? stats[0] : stats[0] / rows);
        put(c, "correct", stats[1]);
        if (train) {
            put(c, "dlogits", d);
            put(c, "dX", dX);
        }
    } else {
        throw std::runtime_error("unknown op '" + op + "'");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--layout") {  // struct layouts, checked against the Java packing
        std::printf("SgdLayout size=%zu tensorEnd=%zu tensorGroup=%zu tensors=%zu oneMinusDampening=%zu nesterov=%zu\n",
                    sizeof(SgdLayout), offsetof(SgdLayout, tensorEnd), offsetof(SgdLayout, tensorGroup),
                    offsetof(SgdLayout, tensors), offsetof(SgdLayout, oneMinusDampening), offsetof(SgdLayout, nesterov));
        std::printf("SgdStep size=%zu lr=%zu momentum=%zu weightDecay=%zu firstStep=%zu\n", sizeof(SgdStep),
                    offsetof(SgdStep, lr), offsetof(SgdStep, momentum), offsetof(SgdStep, weightDecay),
                    offsetof(SgdStep, firstStep));
        return 0;
    }
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
        return 100;
    }
    std::vector<fs::path> dirs;
    for (auto& e : fs::directory_iterator(argv[1]))
        if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    int failed = 0;
    for (auto& dir : dirs) {
        std::string name = dir.filename().string();
        try {
            Case c = readCase(dir);
            run(c);
            std::printf("RAN %s\n", name.c_str());
        } catch (const std::exception& e) {
            failed++;
            std::printf("ERROR %s: %s\n", name.c_str(), e.what());
        }
        std::fflush(stdout);
    }
    std::printf("%zu cases, %d could not run\n", dirs.size(), failed);
    return failed > 100 ? 100 : failed;
}
