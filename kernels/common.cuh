// common.cuh: what every kernel file shares. Compiled by nvcc for the GPU, or as host C++ against the
// emulator in emu/cuda_emu.h (see harness/). Layouts are PyTorch's: row-major, W_l is fanOut x fanIn.
#pragma once
#ifndef __CUDACC__
#include "emu/cuda_emu.h"
#endif

// Threads per block of the element-wise and per-row kernels (a multiple of the warp size).
#define ANNEAL_BLOCK 256

__device__ inline int imin(int a, int b) { return a < b ? a : b; }

/** Number of blocks of {@code block} threads that cover {@code n} items (host side uses the same formula). */
__device__ inline int ceil_div(int n, int block) { return (n + block - 1) / block; }
