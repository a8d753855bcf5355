// emu_check.cpp: replays, under the CPU emulator (emu/cuda_emu.h) built with ASan + UBSan and one OS thread per
// CUDA thread, the kernel-case launches the Java side wrote (anneal.backend.cuda.EmulationCase, from
// DeviceKernelCheck.plan: the backend's own Kernels factories, so the grids, k chunks and argument bytes are
// exactly what a device gets). This file knows no kernel signature, grid or step sequence: a launch's argument
// bytes are unpacked by the kernel's own C++ signature (emu/registry.h, shared with the stand-in driver), and
// pointer arguments, which hold symbolic addresses ((buffer index + 1) << 40, plus an offset), are relocated to the
// harness's buffers. It does not judge either: it writes the output buffers the case names (got_NAME.bin), and
// KernelEmulationTest judges them with anneal.backend.cuda.KernelJudge, the same judge as a device run. An
// out-of-bounds or misaligned access fails the run (the sanitizers).
//
// Usage: emu_check CASES_DIR      (each sub-directory is one case: launches.txt and NAME.bin inputs)
//        emu_check --layout       (prints the byte layout of the SGD argument structs)
// launches.txt lines: "buffer NAME BYTES file" (contents in NAME.bin) | "buffer NAME BYTES fill HEXWORD" |
// "buffer NAME BYTES poison" (0xFF bytes, NaN, as the stand-in's allocations); "launch KERNEL GX GY GZ BLOCK HEX";
// "read NAME". Prints one "RAN name" (or "ERROR name: why") line per case; the exit status is the number of cases
// that could not run (capped at 100), 0 when all ran.
#include "../anneal_kernels.cu"
#include "../emu/registry.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

constexpr int kAddressShift = 40;  // anneal.backend.cuda.EmulationCase.ADDRESS_SHIFT

struct Buffer {
    std::string name;
    std::vector<unsigned char> bytes;
};

std::vector<unsigned char> readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("missing " + file.filename().string());
    return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const KernelEntry& kernel(const std::string& name) {
    for (const KernelEntry& k : kernels())
        if (name == k.name) return k;
    throw std::runtime_error("no kernel '" + name + "' in emu/registry.h");
}

std::vector<unsigned char> hexBytes(const std::string& hex) {
    if (hex.size() % 2 != 0) throw std::runtime_error("odd-length argument bytes");
    std::vector<unsigned char> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); i++) out[i] = (unsigned char)std::stoi(hex.substr(2 * i, 2), nullptr, 16);
    return out;
}

void replay(const fs::path& dir) {
    std::ifstream in(dir / "launches.txt");
    if (!in) throw std::runtime_error("missing launches.txt");
    std::vector<Buffer> buffers;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string what;
        ls >> what;
        if (what == "buffer") {
            std::string name, how;
            std::size_t bytes = 0;
            ls >> name >> bytes >> how;
            Buffer b{name, std::vector<unsigned char>(bytes, 0xFF)};
            if (how == "file") {
                b.bytes = readFile(dir / (name + ".bin"));
                if (b.bytes.size() != bytes) throw std::runtime_error(name + ".bin has " + std::to_string(b.bytes.size()) + " bytes, not " + std::to_string(bytes));
            } else if (how == "fill") {
                std::string hex;
                ls >> hex;
                std::uint32_t word = (std::uint32_t)std::stoul(hex, nullptr, 16);
                for (std::size_t at = 0; at + 4 <= bytes; at += 4) std::memcpy(b.bytes.data() + at, &word, 4);
            } else if (how != "poison") throw std::runtime_error("buffer " + name + ": unknown initial contents '" + how + "'");
            buffers.push_back(std::move(b));
        } else if (what == "launch") {
            std::string name, hex;
            unsigned gx, gy, gz, block;
            ls >> name >> gx >> gy >> gz >> block >> hex;
            const KernelEntry& k = kernel(name);
            std::vector<unsigned char> args = hexBytes(hex);
            if (args.size() < k.bytes) throw std::runtime_error(name + ": " + std::to_string(args.size()) + " argument bytes, its signature has " + std::to_string(k.bytes));
            for (std::size_t i = 0; i < k.offset.size(); i++) {
                if (!k.pointer[i]) continue;
                std::uint64_t v;
                std::memcpy(&v, args.data() + k.offset[i], 8);
                if (v == 0) continue;  // NULL
                std::uint64_t index = (v >> kAddressShift) - 1, offset = v & ((1ull << kAddressShift) - 1);
                if (index >= buffers.size() || offset > buffers[index].bytes.size())
                    throw std::runtime_error(name + " argument " + std::to_string(i) + ": address outside every buffer");
                unsigned char* real = buffers[index].bytes.data() + offset;
                std::memcpy(args.data() + k.offset[i], &real, 8);
            }
            k.run(dim3(gx, gy, gz), dim3(block), args.data());
        } else if (what == "read") {
            std::string name;
            ls >> name;
            auto it = std::find_if(buffers.begin(), buffers.end(), [&](const Buffer& b) { return b.name == name; });
            if (it == buffers.end()) continue;  // not written: the judge reports the output missing
            std::ofstream out(dir / ("got_" + name + ".bin"), std::ios::binary);
            out.write(reinterpret_cast<const char*>(it->bytes.data()), (std::streamsize)it->bytes.size());
            if (!out) throw std::runtime_error("cannot write got_" + name + ".bin");
        } else if (!what.empty()) {
            throw std::runtime_error("launches.txt: unknown line '" + line + "'");
        }
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
            replay(dir);
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
