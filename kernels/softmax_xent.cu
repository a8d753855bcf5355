// softmax_xent.cu: fused softmax + cross-entropy + its gradient, and the loss/accuracy counters.
//
// One warp per row (classes are few: 10 for Fashion-MNIST; any count works, lanes stride over them).
// For a row with logits z and label y:
//   loss    = log(sum_j exp(z_j - max z)) + max z - z_y          (PyTorch F.cross_entropy, per row)
//   dlogits = (softmax(z) - onehot(y)) / gradRows                  (gradient of the batch mean)
//   correct = argmax_j z_j == y (the first maximum on ties, as torch.argmax)
// Lane 0 adds lossWeight * loss and correct to stats[0], stats[1] (and to stepStats when not null)
// with double-precision atomics: training passes lossWeight = 1/rows so that an epoch's stats[0] is
// the sum of its step means; evaluation passes 1 and dlogits = null.
#include "common.cuh"

#define ROWS_PER_BLOCK (ANNEAL_BLOCK / 32)

__device__ inline float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/** Grid ceil(rows / ROWS_PER_BLOCK) blocks of ANNEAL_BLOCK threads. */
extern "C" __global__ void softmax_xent(const float* __restrict__ logits, const unsigned char* __restrict__ labels,
                                        float* __restrict__ dlogits, int rows, int cols, int gradRows,
                                        double lossWeight, double* stats, double* stepStats) {
    const int lane = threadIdx.x % 32;
    const int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / 32;
    if (row >= rows) return;  // whole warps leave together, so the shuffles below stay full-warp
    const float* z = logits + (long long)row * cols;
    float best = -INFINITY;
    int bestIndex = cols;
    for (int j = lane; j < cols; j += 32)
        if (z[j] > best) {
            best = z[j];
            bestIndex = j;
        }
    for (int o = 16; o > 0; o >>= 1) {  // argmax with the smallest index on ties
        float ov = __shfl_xor_sync(0xffffffffu, best, o);
        int oi = __shfl_xor_sync(0xffffffffu, bestIndex, o);
        if (ov > best || (ov == best && oi < bestIndex)) {
            best = ov;
            bestIndex = oi;
        }
    }
    const float mx = warp_max(best);
    float sum = 0.0f;
    for (int j = lane; j < cols; j += 32) sum += expf(z[j] - mx);
    sum = warp_sum(sum);
    const int y = labels[row];
    if (dlogits != nullptr) {
        float* d = dlogits + (long long)row * cols;
        for (int j = lane; j < cols; j += 32) d[j] = (expf(z[j] - mx) / sum - (j == y ? 1.0f : 0.0f)) / (float)gradRows;
    }
    if (lane == 0) {
        double loss = (double)logf(sum) + (double)mx - (double)z[y];
        double correct = bestIndex == y ? 1.0 : 0.0;
        atomicAdd(&stats[0], lossWeight * loss);
        atomicAdd(&stats[1], correct);
        if (stepStats != nullptr) {
            atomicAdd(&stepStats[0], lossWeight * loss);
            atomicAdd(&stepStats[1], correct);
        }
    }
}
