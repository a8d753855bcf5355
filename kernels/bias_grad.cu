// bias_grad.cu: bias gradient db[j] = sum_i dY[i][j] (a column sum of the batch x fanOut gradient).
//
// A block owns 32 consecutive columns; its 8 warps take every 8th row (each lane one column, so a
// warp reads 32 contiguous floats), then the 8 partial sums meet in shared memory.
#include "common.cuh"

#define BIAS_COLS 32
#define BIAS_ROW_PHASES (ANNEAL_BLOCK / BIAS_COLS)

/** Grid ceil(cols / 32) blocks of ANNEAL_BLOCK threads. */
extern "C" __global__ void bias_grad(const float* __restrict__ dY, float* __restrict__ db, int rows, int cols) {
    __shared__ float partial[BIAS_ROW_PHASES][BIAS_COLS];
    const int lane = threadIdx.x % BIAS_COLS, phase = threadIdx.x / BIAS_COLS;
    const int c = blockIdx.x * BIAS_COLS + lane;
    float s = 0.0f;
    if (c < cols)
        for (int r = phase; r < rows; r += BIAS_ROW_PHASES) s += dY[(long long)r * cols + c];
    partial[phase][lane] = s;
    __syncthreads();
    if (phase == 0 && c < cols) {
        float t = 0.0f;
        for (int q = 0; q < BIAS_ROW_PHASES; q++) t += partial[q][lane];
        db[c] = t;
    }
}
