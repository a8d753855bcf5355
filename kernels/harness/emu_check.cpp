// emu_check.cpp: runs every kernel of anneal_kernels.cu under the CPU emulator (emu/cuda_emu.h) on
// cases written by the Java test anneal.backend.cuda.KernelEmulationTest, each launched with the grid and
// block the Java side computed (anneal.backend.cuda.Kernels: the backend's own arithmetic; this file has
// none, and no step sequence either: the whole step runs through the CPU stand-in driver in
// StandInDriverTest, as CudaBackend launches it), and compares the outputs
// with the expected values it computed with anneal.backend.cpu.ReferenceOps (the CPU backend's
// reference). Built with -fsanitize=address,undefined, so an out-of-bounds access fails the check too.
//
// Usage: emu_check CASES_DIR      (each sub-directory is one case)
//        emu_check --layout       (prints the byte layout of the SGD argument structs)
// A case directory holds case.txt ("key value" lines: op, sizes, scalars as C hex floats, atol, rtol)
// and raw little-endian tensors NAME.f32 / NAME.i32 / NAME.u8; expected outputs are expect_NAME.*.
// A value passes when |got - expected| <= atol + rtol * |expected|. Prints one PASS/FAIL line per case;
// the exit status is the number of failed cases (capped at 100), 0 when all pass.
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

/** Compares got with expected; returns the worst |error| and sets ok=false (with a message) on a miss. */
struct Comparison {
    bool ok = true;
    double maxAbs = 0;
    std::string firstMiss;

    template <class G, class E>
    void check(const std::string& what, const std::vector<G>& got, const std::vector<E>& expected, double atol, double rtol) {
        if (got.size() != expected.size()) {
            ok = false;
            if (firstMiss.empty()) firstMiss = what + ": " + std::to_string(got.size()) + " values, expected " + std::to_string(expected.size());
            return;
        }
        for (size_t i = 0; i < got.size(); i++) {
            double g = (double)got[i], e = (double)expected[i], err = std::fabs(g - e);
            if (!(err <= atol + rtol * std::fabs(e))) {  // also catches NaN
                if (ok || firstMiss.empty()) {
                    char buf[200];
                    std::snprintf(buf, sizeof buf, "%s[%zu] = %.9g, expected %.9g", what.c_str(), i, g, e);
                    firstMiss = buf;
                }
                ok = false;
            }
            if (err > maxAbs || std::isnan(err)) maxAbs = err;
        }
    }
    void scalar(const std::string& what, double got, double expected, double atol, double rtol) {
        check(what, std::vector<double>{got}, std::vector<double>{expected}, atol, rtol);
    }
};

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

Comparison run(const Case& c) {
    Comparison cmp;
    const std::string op = c.str("op");
    const double atol = c.d("atol"), rtol = c.d("rtol");
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
        cmp.check("xb", xb, c.f32("expect_xb"), atol, rtol);
        cmp.check("yb", yb, c.u8("expect_yb"), 0, 0);
        cmp.check("stepStats", stepStats, std::vector<double>{0, 0}, 0, 0);
    } else if (op == "matmul_forward") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), relu = c.i("relu");
        auto X = c.f32("X"), W = c.f32("W");
        std::vector<float> bias = c.hasTensor("bias") ? c.f32("bias") : std::vector<float>{};
        std::vector<float> Y(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_forward, X.data(), W.data(),
                    bias.empty() ? nullptr : bias.data(), Y.data(), m, n, k, relu);
        cmp.check("Y", Y, c.f32("expect_Y"), atol, rtol);
    } else if (op == "matmul_backward_input") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k");
        auto dY = c.f32("dY"), W = c.f32("W");
        std::vector<float> H = c.hasTensor("H") ? c.f32("H") : std::vector<float>{};
        std::vector<float> dX(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_backward_input, dY.data(), W.data(),
                    H.empty() ? nullptr : H.data(), dX.data(), m, n, k);
        cmp.check("dX", dX, c.f32("expect_dX"), atol, rtol);
    } else if (op == "matmul_backward_weight") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k");
        auto dY = c.f32("dY"), X = c.f32("X");
        std::vector<float> dW(m * n, NAN);
        emu::launch(grid(c), block(c), matmul_backward_weight, dY.data(), X.data(), dW.data(), m, n, k);
        cmp.check("dW", dW, c.f32("expect_dW"), atol, rtol);
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
        cmp.scalar("loss", meanLoss, c.d("expect_loss"), atol, rtol);
        cmp.scalar("correct", stats[1], c.d("expect_correct"), 0, 0);
        if (grad) {
            cmp.check("dlogits", d, c.f32("expect_dlogits"), atol, rtol);
            cmp.check("stepStats", step, stats, 0, 0);
        }
    } else if (op == "bias_grad") {
        int rows = c.i("rows"), cols = c.i("cols");
        auto dY = c.f32("dY");
        std::vector<float> db(cols, NAN);
        emu::launch(grid(c), block(c), bias_grad, dY.data(), db.data(), rows, cols);
        cmp.check("db", db, c.f32("expect_db"), atol, rtol);
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
            std::string via = viaScalars ? " (sgd_update_scalars)" : " (sgd_update)";
            cmp.check("params" + via, params, c.f32("expect_params"), atol, rtol);
            cmp.check("bufs" + via, bufs, c.f32("expect_bufs"), atol, rtol);
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
        cmp.check("Y", Y, c.f32("expect_Y"), atol, rtol);
        if (gathered) {
            cmp.check("stepStats", stepStats, c.f32("expect_stepStats"), 0, 0);
            cmp.scalar("stepOffset", stepOffset, c.d("expect_stepOffset"), 0, 0);
        }
        cmp.check("counters left zero", ws.counters, std::vector<int>(ws.counters.size(), 0), 0, 0);
    } else if (op == "linear_backward_input") {
        int m = c.i("m"), n = c.i("n"), k = c.i("k"), chunk = c.i("k_chunk");
        auto dY = c.f32("dY"), W = c.f32("W");
        std::vector<float> H = c.hasTensor("H") ? c.f32("H") : std::vector<float>{};
        std::vector<float> dX(m * n, NAN);
        Workspace ws(c);
        emu::launch(grid(c), block(c), linear_backward_input, dY.data(), W.data(), H.empty() ? nullptr : H.data(), dX.data(), m, n, k,
                    chunk, ws.partials.data(), ws.counters.data());
        cmp.check("dX", dX, c.f32("expect_dX"), atol, rtol);
        cmp.check("counters left zero", ws.counters, std::vector<int>(ws.counters.size(), 0), 0, 0);
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
        cmp.check("dW", dW, c.f32("expect_dW"), atol, rtol);
        if (withBias) cmp.check("db", db, c.f32("expect_db"), atol, rtol);
        cmp.check("counters left zero", ws.counters, std::vector<int>(ws.counters.size(), 0), 0, 0);
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
        cmp.scalar("loss", train ? stats[0] : stats[0] / rows, c.d("expect_loss"), atol, rtol);
        cmp.scalar("correct", stats[1], c.d("expect_correct"), 0, 0);
        if (train) {
            cmp.check("dlogits", d, c.f32("expect_dlogits"), atol, rtol);
            cmp.check("dX", dX, c.f32("expect_dX"), atol, rtol);
        }
    } else {
        throw std::runtime_error("unknown op '" + op + "'");
    }
    return cmp;
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
            Comparison r = run(c);
            if (r.ok) std::printf("PASS %s max_abs_err=%.3g\n", name.c_str(), r.maxAbs);
            else {
                failed++;
                std::printf("FAIL %s max_abs_err=%.3g first miss: %s\n", name.c_str(), r.maxAbs, r.firstMiss.c_str());
            }
        } catch (const std::exception& e) {
            failed++;
            std::printf("FAIL %s error: %s\n", name.c_str(), e.what());
        }
        std::fflush(stdout);
    }
    std::printf("%zu cases, %d failed\n", dirs.size(), failed);
    return failed > 100 ? 100 : failed;
}
